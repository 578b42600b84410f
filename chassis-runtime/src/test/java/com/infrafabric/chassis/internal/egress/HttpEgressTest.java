package com.infrafabric.chassis.internal.egress;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.egress.EgressSettings;
import com.infrafabric.chassis.egress.TrustedTarget;
import com.infrafabric.hostapi.contract.HttpCapability;
import com.infrafabric.llm.destination.DestinationPattern;
import com.infrafabric.platform.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link HttpEgress} against a real server on {@code [::1]}, with a real or a failing client. */
@Timeout(30)
class HttpEgressTest {

  /** Far longer than the test's own timeout: a call left waiting for it fails the test. */
  private static final Duration TOTAL = Duration.ofMinutes(5);

  private static final HopGate EVERY_HOP =
      new HopGate() {
        @Override
        public Optional<EgressResult.Vetoed> admit(Hop hop) {
          return Optional.empty();
        }

        @Override
        public boolean pins(Hop hop) {
          return false;
        }
      };

  private final Vertx vertx = Vertx.vertx();
  private HttpServer server;
  private String url;
  private EgressPolicy policy;
  private EgressSettings settings;

  @BeforeEach
  void startAServerOnIpv6Loopback() {
    server =
        vertx
            .createHttpServer()
            .requestHandler(request -> request.response().end("host=" + request.getHeader("host")))
            .listen(0, "::1")
            .await();
    url = "http://[::1]:" + server.actualPort();
    settings =
        new EgressSettings(
            Set.of("http"),
            Set.of(server.actualPort()),
            List.of(TrustedTarget.parse("[::1]/128:" + server.actualPort())),
            0,
            Duration.ofSeconds(1),
            16384,
            1024);
    HostResolver noNames =
        host -> {
          throw new UnknownHostException(host);
        };
    policy = new EgressPolicy(settings, new ResolverPool(noNames, 1));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /**
   * Regression: every request to an IPv6 address waited for its total timeout, and wrote a stack
   * trace to the service log: the client was given the address unbracketed, as its host and as the
   * server to connect to, and refused it on the event loop, where nothing completed the call. The
   * request now reaches the server, with the Host header a URL's authority writes.
   */
  @Test
  void aRequestToAnIpv6AddressIsAnsweredWithItsHostHeaderBracketed() throws Exception {
    try (HttpEgress egress = new HttpEgress(vertx, policy, settings)) {
      EgressResult result = send(egress, url + "/x");

      assertThat(result).isInstanceOf(EgressResult.Response.class);
      EgressResult.Response response = (EgressResult.Response) result;
      assertThat(response.status()).isEqualTo(200);
      assertThat(new String(response.body(), StandardCharsets.UTF_8))
          .isEqualTo("host=[0:0:0:0:0:0:0:1]:" + server.actualPort());
    }
  }

  /**
   * Regression: whatever made the client throw when a request was started, on the event loop, left
   * the guest's call waiting for its total timeout and wrote an unbounded stack trace per call into
   * the service log, past the rate the guest's lines have there. Any throw now completes the call
   * at once, as {@link EgressResult.Faulted} (which the caller logs within that rate), and nothing
   * reaches the log from the event loop.
   */
  @Test
  void aClientThatThrowsWhenARequestStartsCompletesTheCallAtOnceWithoutALogLine() throws Exception {
    HttpClient real = vertx.createHttpClient();
    try (LogCapture logs = LogCapture.start();
        HttpEgress egress = new HttpEgress(vertx, policy, settings, throwingOnRequest(real))) {
      EgressResult result = send(egress, url + "/x");

      assertThat(result)
          .isEqualTo(
              new EgressResult.Faulted("java.lang.IllegalArgumentException: refused on purpose"));
      assertThat(logs.events())
          .noneMatch(line -> line.getLevel() == Level.ERROR || line.getThrowableProxy() != null);
    }
  }

  private EgressResult send(HttpEgress egress, String to) throws InterruptedException {
    HttpCapability capability =
        new HttpCapability(
            List.of(url), 1, Duration.ofSeconds(5), Duration.ofSeconds(5), TOTAL, 1024, List.of());
    return egress.send(
        "acme",
        new OutboundRequest("GET", to, Map.of(), new byte[0]),
        capability,
        List.of(DestinationPattern.parse(url)),
        () -> true,
        Optional.empty(),
        EVERY_HOP);
  }

  /** {@code real}, but {@code request(RequestOptions)} throws as the call starts. */
  private static HttpClient throwingOnRequest(HttpClient real) {
    return (HttpClient)
        Proxy.newProxyInstance(
            HttpClient.class.getClassLoader(),
            new Class<?>[] {HttpClient.class},
            (proxy, method, args) -> {
              if (method.getName().equals("request")
                  && args != null
                  && args.length == 1
                  && args[0] instanceof RequestOptions) {
                throw new IllegalArgumentException("refused on purpose");
              }
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
