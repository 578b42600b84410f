package com.infrafabric.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.llm.destination.DestinationPattern;
import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import com.infrafabric.llm.vault.OpenedCredential;
import com.infrafabric.llm.vault.ResponsePolicy;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.wire.reservation.TokenUsage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The provider formats, retries and the breakers against a misbehaving provider on loopback. */
@Timeout(30)
class ProvidersTest {

  private static final String KEY = "sk-provider-canary-0042";
  private static final ChatRequest REQUEST =
      new ChatRequest(
          "gpt-4o-mini",
          List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hello there")),
          64);

  /** The tenant calls are made for unless a test names others. */
  private static final String TENANT = "acme";

  private static final Duration RESET = Duration.ofSeconds(30);

  private final MutableClock clock = MutableClock.at("2026-12-07T10:00:00Z");
  private Vertx vertx;
  private FakeProvider peer;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    peer = FakeProvider.start();
  }

  @AfterEach
  void stop() {
    peer.close();
    vertx.close().await();
  }

  private ProviderSettings openAi() {
    return ProviderSettings.openAiCompatible(
            "openai", URI.create(peer.url()), "openai-key", List.of("gpt-4o-mini"))
        .withTimeout(Duration.ofSeconds(1))
        .withRetries(2, Duration.ofMillis(5))
        .withBreaker(2, RESET);
  }

  private Optional<OpenedCredential> key(String header, String scheme) {
    String value = scheme.isEmpty() ? KEY : scheme + " " + KEY;
    return Optional.of(
        new OpenedCredential(
            "openai-key",
            List.of(DestinationPattern.parse("http://127.0.0.1:" + peer.port())),
            header,
            value,
            KEY,
            ResponsePolicy.full()));
  }

  private ProviderReply call(LlmProvider provider, ProviderGate gate) {
    return call(provider, gate, TENANT);
  }

  private ProviderReply call(LlmProvider provider, ProviderGate gate, String tenant) {
    return Await.result(
        gate.call(
            tenant,
            REQUEST.model(),
            () -> provider.complete(REQUEST, key("authorization", "Bearer"), new Cancellation())));
  }

  /** Scripts {@code calls} calls' worth of {@code status} answers: each call tries three times. */
  private void failing(int calls, int status, String retryAfter) {
    for (int i = 0; i < 3 * calls; i++) {
      peer.then(new Behaviour.Status(status, retryAfter));
    }
  }

  @Test
  void openAiCompatibleSendsTheKeyHeaderAndReadsUsage() {
    ProviderReply reply =
        Await.result(
            new OpenAiCompatibleProvider(vertx, openAi(), clock)
                .complete(REQUEST, key("authorization", "Bearer"), new Cancellation()));

    assertThat(reply)
        .isEqualTo(
            new ProviderReply.Answered(
                new ChatCompletion(
                    "gpt-4o-mini",
                    "fake answer from gpt-4o-mini",
                    "stop",
                    new TokenUsage(14, 0, FakeProvider.OUTPUT_TOKENS))));
    FakeProvider.Received received = peer.received().get(0);
    assertThat(received.path()).isEqualTo("/v1/chat/completions");
    assertThat(received.headers().get("authorization")).isEqualTo("Bearer " + KEY);
    assertThat(received.body().getInteger("max_tokens")).isEqualTo(64);
  }

  @Test
  void anthropicMovesSystemMessagesAndSendsItsVersion() {
    ProviderSettings settings =
        ProviderSettings.anthropic(
            "anthropic", URI.create(peer.url()), "anthropic-key", List.of("claude-haiku"));
    ChatRequest request = new ChatRequest("claude-haiku", REQUEST.messages(), REQUEST.maxTokens());
    ProviderReply reply =
        Await.result(
            new AnthropicProvider(vertx, settings, clock)
                .complete(request, key("x-api-key", ""), new Cancellation()));

    assertThat(((ProviderReply.Answered) reply).completion().usage())
        .isEqualTo(new TokenUsage(7, 0, FakeProvider.OUTPUT_TOKENS));
    FakeProvider.Received received = peer.received().get(0);
    assertThat(received.path()).isEqualTo("/v1/messages");
    assertThat(received.headers().get("x-api-key")).isEqualTo(KEY);
    assertThat(received.headers().get("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(received.body().getString("system")).isEqualTo("Be brief.");
    assertThat(received.body().getJsonArray("messages")).hasSize(1);
  }

  @Test
  void a429AndA503AreRetriedWithinOneCall() {
    peer.then(new Behaviour.Status(429, "0"), new Behaviour.Status(503, null));
    ProviderGate gate = new ProviderGate(vertx, openAi(), clock);
    ProviderReply reply = call(new OpenAiCompatibleProvider(vertx, openAi(), clock), gate);
    assertThat(reply).isInstanceOf(ProviderReply.Answered.class);
    assertThat(peer.received()).hasSize(3);
  }

  /**
   * A refusal is final and free. An answer that cannot be read, or that repeats a member name (its
   * usage could read as anything: decoded, the last copy wins), was a final failure too, released
   * as if never made though the provider had the request: it is unreadable, settled at its bound.
   */
  @Test
  void aRefusalIsFinalAtOnceAndGarbageOrARepeatedNameIsUnreadable() {
    String repeated =
        "{\"id\":\"x\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":90,\"completion_tokens\":60,"
            + "\"prompt_tokens\":0,\"completion_tokens\":0}}";
    peer.then(
        new Behaviour.Status(400, null), new Behaviour.Garbage(), new Behaviour.Body(repeated));
    ProviderGate gate = new ProviderGate(vertx, openAi(), clock);
    OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider(vertx, openAi(), clock);
    assertThat(call(provider, gate))
        .isEqualTo(ProviderReply.Failed.finalFailure("openai answered 400"));
    assertThat(call(provider, gate))
        .isEqualTo(
            new ProviderReply.Unreadable(
                "openai answered 200 with a body that is not a completion"));
    assertThat(call(provider, gate))
        .isEqualTo(
            new ProviderReply.Unreadable(
                "openai answered 200 with a body that repeats a member name"));
    assertThat(peer.received()).hasSize(3);
    assertThat(gate.refusal(TENANT, REQUEST.model())).isEmpty();
  }

  /**
   * A provider refusing the operator's credential (401, 403, 407) has failed, finally: its answer,
   * which may quote part of the key, is not a refusal of the caller's request to relay.
   */
  @Test
  void aRefusalOfTheOperatorsCredentialIsAFailureNotARefusalToRelay() {
    for (int status : new int[] {401, 403, 407}) {
      peer.then(new Behaviour.Status(status, null));
      ProviderGate gate = new ProviderGate(vertx, openAi(), clock);
      assertThat(call(new OpenAiCompatibleProvider(vertx, openAi(), clock), gate))
          .isEqualTo(
              ProviderReply.Failed.finalFailure(
                  "openai answered " + status + ": it refused the operator's credential"));
    }
    assertThat(peer.received()).hasSize(3);
  }

  /**
   * Regression: a request the provider received and never answered was retried twice and then
   * released as failed, though the provider may make and bill each one: three calls, none charged.
   * It is now an unknown outcome, tried once, which the breaker does not count (a request may be
   * slow by itself), and its reason never names the key.
   */
  @Test
  void aProviderThatHasTheRequestAndNeverAnswersIsAnUnknownOutcomeTriedOnce() {
    peer.then(new Behaviour.Hang(), new Behaviour.Hang(), new Behaviour.Hang());
    ProviderGate gate = new ProviderGate(vertx, openAi(), clock);
    OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider(vertx, openAi(), clock);
    for (int call = 1; call <= 3; call++) {
      assertThat(call(provider, gate))
          .isEqualTo(new ProviderReply.Unknown("openai: no answer within 1000 ms"));
      assertThat(peer.received()).hasSize(call);
    }
    assertThat(gate.refusal(TENANT, REQUEST.model())).isEmpty();
  }

  /**
   * Regression: one tenant's outcomes opened a breaker every tenant shares. The provider's breaker
   * counted every failed call, whoever made it: a tenant whose requests the provider answered 429
   * (OpenAI does, to any one request over the organisation's tokens per minute) or 5xx opened it,
   * and every tenant's calls were refused. Now they open that tenant's breaker only: its calls are
   * refused without reaching the provider, another tenant's are made.
   */
  @ParameterizedTest
  @ValueSource(ints = {429, 500, 503})
  void oneTenantsFailedCallsOpenItsOwnBreakerOnly(int status) {
    ProviderGate gate = new ProviderGate(vertx, openAi(), clock);
    OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider(vertx, openAi(), clock);
    failing(2, status, null);
    call(provider, gate, "beta");
    call(provider, gate, "beta");

    ProviderReply.Failed refused = (ProviderReply.Failed) call(provider, gate, "beta");
    assertThat(refused.reason())
        .isEqualTo(
            status == 429
                ? "openai rate-limited this tenant's latest calls of gpt-4o-mini (429); its calls"
                    + " of that model are held off as the provider asked (Retry-After), not for a"
                    + " failure of the provider"
                : "openai failed this tenant's latest calls; its circuit breaker is open for this"
                    + " tenant's calls");
    assertThat(refused.retryable()).isFalse();
    assertThat(refused.retryAfter()).hasValue(RESET);
    assertThat(gate.refusal("beta", REQUEST.model())).hasValue(refused);
    assertThat(peer.received()).as("the refused call never reached it").hasSize(6);
    assertThat(gate.open()).isFalse();
    assertThat(gate.tenantsOpen()).isOne();
    assertThat(gate.refusal("alpha", REQUEST.model())).isEmpty();
    assertThat(call(provider, gate, "alpha")).isInstanceOf(ProviderReply.Answered.class);
  }

  /**
   * A provider failing everybody's calls still opens its breaker for every tenant, as soon as
   * failures of two tenants reach {@code breakerFailures}; one tenant's count for half of them at
   * most, however many it makes. It lets a trial through once its reset has passed, opens again if
   * the trial fails, and closes when one succeeds.
   */
  @Test
  void failuresOfTwoTenantsOpenTheProvidersBreakerForEveryTenantUntilATrialSucceeds() {
    ProviderSettings three = openAi().withBreaker(3, RESET);
    ProviderGate gate = new ProviderGate(vertx, three, clock);
    OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider(vertx, three, clock);
    failing(4, 500, null);
    for (int i = 0; i < 3; i++) {
      call(provider, gate, "beta");
    }
    assertThat(gate.open()).as("one tenant's failures alone").isFalse();
    assertThat(gate.refusal("gamma", REQUEST.model())).isEmpty();
    call(provider, gate, "alpha");

    assertThat(gate.open()).isTrue();
    ProviderReply.Failed refused = (ProviderReply.Failed) call(provider, gate, "gamma");
    assertThat(refused.reason()).isEqualTo("openai is failing; its circuit breaker is open");
    assertThat(refused.retryAfter()).hasValue(RESET);
    assertThat(peer.received()).hasSize(12);

    clock.advance(RESET.minusSeconds(10));
    assertThat(gate.refusal("gamma", REQUEST.model()).orElseThrow().retryAfter())
        .hasValue(Duration.ofSeconds(10));
    clock.advance(Duration.ofSeconds(10));
    failing(1, 502, null);
    assertThat(call(provider, gate, "gamma")).isInstanceOf(ProviderReply.Failed.class);
    assertThat(peer.received()).as("the trial was made").hasSize(15);
    assertThat(gate.open()).as("the failed trial opened it again").isTrue();

    clock.advance(RESET);
    assertThat(call(provider, gate, "gamma")).isInstanceOf(ProviderReply.Answered.class);
    assertThat(gate.open()).isFalse();
    assertThat(call(provider, gate, "delta")).isInstanceOf(ProviderReply.Answered.class);
  }

  /**
   * A 429 never counts towards the provider's breaker: two tenants rate-limited open only their
   * own. Its {@code Retry-After} holds that tenant's calls off for as long (at most the reset), and
   * its breaker closes once a trial after it succeeds; a failed trial opens it again.
   */
  @Test
  void aRateLimitHoldsItsTenantOffForItsRetryAfterAndNeverOpensTheProvidersBreaker() {
    ProviderGate gate = new ProviderGate(vertx, openAi(), clock);
    OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider(vertx, openAi(), clock);
    failing(1, 429, "12");
    call(provider, gate, "beta");
    assertThat(gate.refusal("beta", REQUEST.model()).orElseThrow().retryAfter())
        .hasValue(Duration.ofSeconds(12));
    failing(2, 429, null);
    call(provider, gate, "alpha");
    call(provider, gate, "alpha");

    assertThat(gate.open()).isFalse();
    assertThat(gate.tenantsOpen()).isEqualTo(2);
    assertThat(call(provider, gate, "gamma")).isInstanceOf(ProviderReply.Answered.class);

    clock.advance(Duration.ofSeconds(12));
    failing(1, 429, "3600");
    call(provider, gate, "beta");
    assertThat(gate.refusal("beta", REQUEST.model()).orElseThrow().retryAfter())
        .as("a failed trial opens it again; a wait is honoured up to the reset")
        .hasValue(RESET);
    clock.advance(RESET);
    assertThat(call(provider, gate, "beta")).isInstanceOf(ProviderReply.Answered.class);
    assertThat(gate.refusal("beta", REQUEST.model())).isEmpty();
    assertThat(gate.tenantsOpen()).as("alpha's reset has passed too").isZero();
  }

  /**
   * Regression: a 429's {@code Retry-After} as an HTTP-date (or a count of more than six digits)
   * was taken for none, so it held the tenant's calls of that model off not at all. The date is
   * read against the gate's clock, and a wait past the reset is the reset.
   */
  @ParameterizedTest
  @ValueSource(strings = {"Mon, 07 Dec 2026 10:00:12 GMT", "12"})
  void aRateLimitsRetryAfterHoldsItsTenantOffInEitherForm(String retryAfter) {
    ProviderGate gate = new ProviderGate(vertx, openAi(), clock);
    OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider(vertx, openAi(), clock);
    failing(1, 429, retryAfter);
    call(provider, gate, "beta");

    assertThat(gate.refusal("beta", REQUEST.model()).orElseThrow().retryAfter())
        .hasValue(Duration.ofSeconds(12));
    failing(1, 429, "99999999999999999999");
    clock.advance(Duration.ofSeconds(12));
    call(provider, gate, "beta");
    assertThat(gate.refusal("beta", REQUEST.model()).orElseThrow().retryAfter()).hasValue(RESET);
  }

  /**
   * A fault on this side (an attempt that throws, or fails its future, as a request no relay can
   * read does) fails that call alone: the breaker, shared by every caller, stays closed, and the
   * fault is not retried.
   */
  @Test
  void aFaultOnThisSideFailsItsCallWithoutCountingAgainstTheProvider() {
    ProviderGate gate = new ProviderGate(vertx, openAi(), clock);
    AtomicInteger attempts = new AtomicInteger();
    for (int i = 0; i < 5; i++) {
      Future<ProviderReply> thrown =
          gate.call(
              TENANT,
              REQUEST.model(),
              () -> {
                attempts.incrementAndGet();
                throw new NullPointerException("a null field of the caller's request");
              });
      assertThatThrownBy(() -> Await.result(thrown)).isInstanceOf(NullPointerException.class);
      Future<ProviderReply> failed =
          gate.call(
              TENANT,
              REQUEST.model(),
              () -> {
                attempts.incrementAndGet();
                return Future.failedFuture(new ClassCastException("a field of the wrong type"));
              });
      assertThatThrownBy(() -> Await.result(failed)).isInstanceOf(ClassCastException.class);
    }
    assertThat(attempts).as("each fault tried once, never retried").hasValue(10);
    assertThat(gate.refusal(TENANT, REQUEST.model())).isEmpty();
    assertThat(call(new OpenAiCompatibleProvider(vertx, openAi(), clock), gate))
        .isInstanceOf(ProviderReply.Answered.class);
  }

  @Test
  void theOfflineProviderAnswersTheSameWayEveryTime() {
    OfflineProvider offline = new OfflineProvider();
    ProviderReply first =
        Await.result(offline.complete(REQUEST, Optional.empty(), new Cancellation()));
    ProviderReply again =
        Await.result(offline.complete(REQUEST, Optional.empty(), new Cancellation()));
    assertThat(first).isEqualTo(again);
    ChatCompletion completion = ((ProviderReply.Answered) first).completion();
    assertThat(completion.content()).isEqualTo("[offline gpt-4o-mini] You said: Hello there");
    assertThat(completion.usage()).isEqualTo(new TokenUsage(REQUEST.estimatedInputTokens(), 0, 11));

    ChatRequest tiny = new ChatRequest("m", REQUEST.messages(), 2);
    ChatCompletion cut =
        ((ProviderReply.Answered)
                Await.result(offline.complete(tiny, Optional.empty(), new Cancellation())))
            .completion();
    assertThat(cut.finishReason()).isEqualTo("length");
    assertThat(cut.usage().outputTokens()).isEqualTo(2);
  }
}
