package com.infrafabric.platform.http;

import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.auth.JwtAuthenticator;
import com.infrafabric.platform.health.ReadinessCheck;
import com.infrafabric.platform.metrics.ServiceMeters;
import com.infrafabric.platform.ratelimit.RateLimiter;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.HttpTestClient;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.TestTokens;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A real {@link HttpService} on a free loopback port with test tokens, for tests of the HTTP
 * behaviour every service shares. Close it after the test.
 */
final class ServiceFixture implements AutoCloseable {

  final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
  final Vertx vertx = Vertx.vertx();
  final PrometheusMeterRegistry meters = ServiceMeters.create();
  final TestTokens tokens;
  final HttpService service;
  final HttpTestClient client;

  private ServiceFixture(Path dir, Consumer<Customizer> customize) {
    tokens = TestTokens.create(dir, clock);
    HttpService.Builder builder =
        HttpService.builder(vertx)
            .settings(HttpSettings.defaults().withPort(0))
            .authenticator(JwtAuthenticator.create(vertx, tokens.settings(), clock))
            .meters(meters);
    customize.accept(new Customizer(builder));
    service = Await.result(builder.build().start());
    client = new HttpTestClient(service.port());
  }

  static ServiceFixture start(Path dir, Consumer<Customizer> customize) {
    return new ServiceFixture(dir, customize);
  }

  @Override
  public void close() {
    Await.result(service.stop());
    Await.result(vertx.close());
  }

  /** The service builder plus what a customisation needs from the fixture. */
  final class Customizer {
    private final HttpService.Builder builder;

    private Customizer(HttpService.Builder builder) {
      this.builder = builder;
    }

    Vertx vertx() {
      return vertx;
    }

    MutableClock clock() {
      return clock;
    }

    PrometheusMeterRegistry meters() {
      return meters;
    }

    Customizer settings(HttpSettings settings) {
      builder.settings(settings);
      return this;
    }

    Customizer rateLimiter(RateLimiter limiter) {
      builder.rateLimiter(limiter);
      return this;
    }

    Customizer readinessCheck(String name, ReadinessCheck check) {
      builder.readinessCheck(name, check);
      return this;
    }

    Customizer scrapeToken(Optional<ScrapeToken> token) {
      builder.scrapeToken(token);
      return this;
    }

    Customizer metricsAccess(Access access) {
      builder.metricsAccess(access);
      return this;
    }

    Customizer errors(ErrorTranslator errors) {
      builder.errors(errors);
      return this;
    }

    Customizer routes(Consumer<Routes> routes) {
      builder.routes(routes);
      return this;
    }
  }
}
