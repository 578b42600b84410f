package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import com.infrafabric.platform.redis.RedisUnavailableException;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.LogCapture;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Regression class: a call the provider answered in full was never charged when Redis stopped
 * answering for two seconds as it settled. Its commit was tried three times at once, each refused
 * while the store was known to be down, and then given up: the reservation expired, spent 0. The
 * commit is now retried while the store is unreachable, until shortly before the reservation's
 * expiry; and a retried commit whose first attempt did run (it waited in the stalled server's
 * socket) is answered that attempt's result, not charged again.
 */
@Timeout(120)
class GatewayStoreBlinkAtSettlementTest {

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  /** How long the provider takes to answer: the store is stalled before it ends. */
  private static final Duration ANSWER = Duration.ofSeconds(4);

  /**
   * @param knownDown the store is known down before the commit, so its first attempt is never sent
   *     (else it is sent, waits in the stalled server's socket, and runs once it resumes)
   */
  @ParameterizedTest(name = "{0} stream={1} knownDown={2}")
  @CsvSource({
    "openai,true,true",
    "openai,false,true",
    "anthropic,true,true",
    "anthropic,false,true",
    "embeddings,false,true",
    "openai,true,false",
    "anthropic,false,false"
  })
  void aCallAnsweredWhileTheStoreBlinksIsChargedOnceWhatItReported(
      String wire, boolean stream, boolean knownDown) throws Exception {
    String scope = RIG.fundedScope(1_000_000);
    int received = RIG.primary.received().size();
    RIG.primary.then(new Behaviour.Slow(ANSWER));

    try (LogCapture logs = LogCapture.start()) {
      CompletableFuture<HttpResponse<String>> answer =
          CompletableFuture.supplyAsync(() -> RIG.sayHi(wire, stream, 100, scope));
      await().atMost(Duration.ofSeconds(10)).until(() -> RIG.primary.received().size() > received);
      RIG.stallStore();
      try {
        if (knownDown) {
          // A command no one answers marks the store down: the commit then fails at once.
          assertThatThrownBy(() -> Await.result(RIG.governor.redis.send(Request.cmd(Command.PING))))
              .isInstanceOf(RedisUnavailableException.class);
        }
        // The store stays down until the call settled, or its settlement found it down.
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> answer.isDone() || logs.text().contains("settling failed"));
      } finally {
        RIG.resumeStore();
      }

      assertThat(answer.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    long reported =
        RIG.cost(
            GatewayRig.model(wire),
            FakeProvider.INPUT_TOKENS_PER_MESSAGE,
            wire.equals("embeddings") ? 0 : FakeProvider.OUTPUT_TOKENS);
    RIG.awaitSettled(scope, reported);
    List<JsonObject> commits =
        RIG.ledger(scope).stream()
            .filter(entry -> entry.getString("type").equals("commit"))
            .toList();
    assertThat(commits).hasSize(1);
    assertThat(commits.get(0).getLong("spent_delta_micros")).isEqualTo(reported);
    assertThat(commits.get(0).getJsonObject("fields").getString("out")).isEqualTo("ok");
  }
}
