package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.governor.keys.KeySpec;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression class: with the store stalled, a call without an {@code Idempotency-Key} was answered
 * 503 {@code OUTCOME_UNKNOWN}, "retrying with the same Idempotency-Key is safe", with no key to
 * retry with, and the SDKs retried it on their own under new keys: new reservations. A virtual
 * key's lookup (a read, nothing applied) now answers {@code STORE_UNAVAILABLE}; a reserve with no
 * answer carries the key the gateway made up and {@code x-should-retry: false}, and the gateway
 * resends that reserve until the store answers and releases the hold it made, never leaving it to
 * its expiry (which charges a service's hold its worst case).
 */
@Timeout(120)
class GatewayOutcomeUnknownTest {

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  @Test
  void aReserveWithNoAnswerNamesItsKeyAndItsHoldIsReleasedOnceTheStoreAnswers() {
    String scope = RIG.fundedScope(1_000_000);
    String secret = issue(scope);
    // A first call has the key looked up and kept: the next one's first store step is its reserve.
    assertThat(
            RIG.post(GatewayRoutes.OPENAI + "/chat/completions", secret, chat(), Map.of())
                .statusCode())
        .isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> RIG.spentAndReserved(scope)[1] == 0);
    HttpResponse<String> answer;
    RIG.stallStore();
    try {
      answer = RIG.post(GatewayRoutes.OPENAI + "/chat/completions", secret, chat(), Map.of());
    } finally {
      RIG.resumeStore();
    }

    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.headers().firstValue("x-error-code")).hasValue("OUTCOME_UNKNOWN");
    assertThat(answer.headers().firstValue("Idempotency-Key")).isPresent();
    assertThat(answer.headers().firstValue("x-should-retry")).hasValue("false");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(RIG.ledger(scope))
                    .extracting(entry -> entry.getJsonObject("fields").getString("out"))
                    .contains("reserve_unanswered"));
    assertThat(RIG.spentAndReserved(scope)[1]).isZero();
    // The key answered names this very request: a retry sending it is no conflict.
    HttpResponse<String> retried =
        RIG.post(
            GatewayRoutes.OPENAI + "/chat/completions",
            secret,
            chat(),
            Map.of("Idempotency-Key", answer.headers().firstValue("Idempotency-Key").get()));
    assertThat(retried.headers().firstValue("x-error-code"))
        .isNotEqualTo(Optional.of("IDEMPOTENCY_CONFLICT"));
  }

  @Test
  void aVirtualKeyLookupWithNoAnswerIsNotApplied() {
    String scope = RIG.fundedScope(1_000_000);
    String secret = issue(scope);
    HttpResponse<String> answer;
    RIG.stallStore();
    try {
      answer = RIG.post(GatewayRoutes.OPENAI + "/chat/completions", secret, chat(), Map.of());
    } finally {
      RIG.resumeStore();
    }

    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.headers().firstValue("x-error-code")).hasValue("STORE_UNAVAILABLE");
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
  }

  /** A new virtual key of {@code scope}, for any model: its secret. */
  private static String issue(String scope) {
    return Await.result(
            RIG.governor
                .service
                .keys()
                .create(
                    new KeySpec(Scope.parse(scope), Set.of("*"), 60, 1_000_000, Map.of(), null),
                    IdempotencyKey.of("key-" + UUID.randomUUID()),
                    GovernorRig.ADMIN))
        .secret()
        .orElseThrow();
  }

  private static JsonObject chat() {
    return new JsonObject(
        "{\"model\":\"gpt-test\",\"max_tokens\":10,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
  }
}
