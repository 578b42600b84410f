package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.auth.Access;
import io.vertx.ext.web.RoutingContext;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service serves its port from {@link HttpSettings#eventLoops()} event loops: connections are
 * spread over them, so a node's HTTP work is not capped at one core.
 */
@Timeout(60)
class EventLoopsTest {

  private static final int CONNECTIONS = 8;

  @TempDir Path dir;
  private final Set<String> servingThreads = ConcurrentHashMap.newKeySet();

  @Test
  void concurrentConnectionsAreServedOnEveryEventLoop() {
    assertThat(threadsServing(3)).hasSize(3);
  }

  @Test
  void oneEventLoopServesEveryConnection() {
    assertThat(threadsServing(1)).hasSize(1);
  }

  @Test
  void theDefaultIsAnEventLoopPerTwoCoresAndAtLeastOne() {
    assertThat(HttpSettings.defaults().eventLoops())
        .isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
  }

  /**
   * The threads that served {@value #CONNECTIONS} requests held open at the same time, so each has
   * a connection of its own, on a service with {@code eventLoops} event loops.
   */
  private Set<String> threadsServing(int eventLoops) {
    try (ServiceFixture fixture =
        ServiceFixture.start(
            dir,
            builder ->
                builder
                    .settings(HttpSettings.defaults().withPort(0).withEventLoops(eventLoops))
                    .routes(
                        routes -> routes.get("/v1/thread", Access.authenticated(), this::serve)))) {
      String token = fixture.tokens.valid("alice");
      List<CompletableFuture<HttpResponse<String>>> calls =
          IntStream.range(0, CONNECTIONS)
              .mapToObj(i -> fixture.client.getAsync("/v1/thread", token))
              .toList();
      calls.forEach(call -> assertThat(call.join().statusCode()).isEqualTo(200));
    }
    return Set.copyOf(servingThreads);
  }

  /** Records the serving thread and answers a little later, so the requests overlap. */
  private void serve(RoutingContext ctx) {
    servingThreads.add(Thread.currentThread().getName());
    ctx.vertx().setTimer(300, fired -> ctx.end("served"));
  }
}
