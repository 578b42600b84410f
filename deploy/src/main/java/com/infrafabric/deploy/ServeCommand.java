package com.infrafabric.deploy;

import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.governor.service.GovernorService;
import com.infrafabric.governor.service.GovernorSettings;
import com.infrafabric.platform.config.Config;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code infrafabric serve}: starts the governor on the configured (or embedded) Redis and runs
 * until SIGTERM or SIGINT, then stops accepting, drains in-flight requests, closes the Redis client
 * and stops the embedded server.
 */
final class ServeCommand {

  private final LaunchOptions options;
  private final Map<String, String> env;

  private ServeCommand(LaunchOptions options, Map<String, String> env) {
    this.options = options;
    this.env = env;
  }

  static ServeCommand fromArgs(String[] args, Map<String, String> env) {
    return new ServeCommand(LaunchOptions.parse(args, env), env);
  }

  int run(PrintStream out) {
    Clock clock = Clock.systemUTC();
    Config config = options.config().map(f -> Config.load(f, env)).orElse(Config.of(Map.of(), env));
    LocalKeys keys = null;
    if (config.optional("auth.jwksFile").isEmpty()) {
      keys = LocalKeys.ensure(options.dataDirectory());
      config = config.withDefaults(keys.authDefaults());
    }
    GovernorSettings settings = GovernorSettings.from(config);
    config.rejectUnknownKeys();

    Logger log = LoggerFactory.getLogger(ServeCommand.class);
    RedisChoice redis =
        RedisChoice.choose(env, settings.platform().redis(), options.dataDirectory());
    log.info("using {}", redis.describe());
    Vertx vertx = Vertx.vertx();
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RedisStore store =
        RedisStore.create(
            vertx,
            RedisSettings.of(redis.endpoint()).withCommandTimeout(settings.redisCommandTimeout()),
            meters);
    GovernorService service;
    try {
      service = GovernorService.start(vertx, store, settings, meters, clock).await();
      seedPricing(service, log);
    } catch (RuntimeException e) {
      store.close();
      vertx.close().await();
      redis.close();
      throw new IllegalStateException("the governor did not start: " + e.getMessage(), e);
    }

    out.println(
        "IF.governor listening on http://"
            + settings.platform().http().host()
            + ":"
            + service.port());
    out.println("  OpenAPI document: GET /v1/openapi.json    liveness: GET /health/live");
    if (keys != null) {
      out.println(
          "  operator tokens (12 h): "
              + keys.writeToken("admin", LocalKeys.spec("local-admin", "admin"), clock.instant())
              + " and "
              + keys.writeToken(
                  "auditor", LocalKeys.spec("local-auditor", "auditor"), clock.instant()));
      out.println(
          "  agent tokens: infrafabric token mint --private "
              + keys.privateFile()
              + " --sub my-agent --iss "
              + LocalKeys.ISSUER
              + " --aud "
              + LocalKeys.AUDIENCE
              + " --roles agent --scope <tenant/project>");
    }
    awaitShutdown(service, store, vertx, redis, log);
    return 0;
  }

  /** A first launch on an empty Redis publishes public list prices, so reserve works at once. */
  private static void seedPricing(GovernorService service, Logger log) {
    if (service.pricing().get().version() == 0) {
      service.pricing().replace(PricingCatalogues.fromJson(defaultPricing()), 0).await();
      log.info("published the default pricing catalogue (version 1)");
    }
  }

  private static JsonArray defaultPricing() {
    try (InputStream in = ServeCommand.class.getResourceAsStream("/default-pricing.json")) {
      if (in == null) {
        throw new IllegalStateException("default-pricing.json is missing from the distribution");
      }
      return new JsonArray(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void awaitShutdown(
      GovernorService service, RedisStore store, Vertx vertx, RedisChoice redis, Logger log) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down: draining in-flight requests");
                  service.stop().await();
                  store.close();
                  vertx.close().await();
                  redis.close();
                  log.info("stopped");
                  stopped.countDown();
                },
                "infrafabric-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
