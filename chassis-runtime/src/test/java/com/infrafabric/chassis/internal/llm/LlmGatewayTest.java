package com.infrafabric.chassis.internal.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.credential.NewCredential;
import com.infrafabric.chassis.egress.EgressSettings;
import com.infrafabric.chassis.internal.credential.GuestBoundary;
import com.infrafabric.chassis.internal.credential.RedisCredentialVault;
import com.infrafabric.chassis.internal.grant.GrantLedger;
import com.infrafabric.chassis.llm.GovernorHttpBudget;
import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.FakeGovernor;
import com.infrafabric.chassis.testing.TestGrants;
import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.llm.Cancellation;
import com.infrafabric.llm.ChatMessage;
import com.infrafabric.llm.ChatRequest;
import com.infrafabric.llm.ProviderSettings;
import com.infrafabric.llm.Providers;
import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import com.infrafabric.llm.vault.CredentialOwner;
import com.infrafabric.llm.vault.CredentialStore;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.llm.vault.ResponsePolicy;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.retry.RetryUntil;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.Concurrently;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.TestTokens;
import com.infrafabric.wire.grant.Grant;
import com.infrafabric.wire.reservation.ReservationWire;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One call from reservation to settlement, against the governor's API on loopback and a provider
 * that misbehaves on purpose: whatever happens, nothing stays reserved and nothing is charged
 * twice.
 */
@Timeout(60)
class LlmGatewayTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  /** What the reservations carry as the grant: the fake governor holds them without reading it. */
  private static final String GRANT_TOKEN = "signed-grant";

  private static final String MODEL = "gpt-4o-mini";
  private static final ChatRequest REQUEST =
      new ChatRequest(MODEL, List.of(new ChatMessage("user", "Hello there")), 64);

  /**
   * What the fake governor holds for {@link #REQUEST}: its worst-case input (6 + 8 framing, the
   * role's 4 bytes and the content's 11) and 64 output tokens.
   */
  private static final long RESERVED = FakeGovernor.PRICE_PER_TOKEN * (29 + 64);

  /** What it charges for the fake provider's usage: 7 input and 5 output tokens. */
  private static final long ACTUAL = FakeGovernor.PRICE_PER_TOKEN * (7 + 5);

  @TempDir Path directory;

  /**
   * The grants' and the ledger's clock, started at the settling clock's time (the system's), as
   * they share one clock in the chassis: a call's hold ends no later than its grant, by that clock.
   */
  private final MutableClock clock = MutableClock.at(Instant.now().truncatedTo(ChronoUnit.SECONDS));

  private Vertx vertx;
  private RedisStore redis;
  private FakeProvider provider;
  private FakeGovernor governor;
  private GovernorHttpBudget budget;
  private GrantLedger ledger;
  private TestGrants grants;
  private MasterKeys keys;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    redis =
        RedisStore.create(
            vertx,
            RedisSettings.of(REDIS.endpoint())
                .withCommandTimeout(ChassisServiceRig.COMMAND_TIMEOUT),
            new SimpleMeterRegistry());
    provider = FakeProvider.start();
    governor = FakeGovernor.start(10_000);
    budget =
        GovernorHttpBudget.create(
            vertx, URI.create(governor.url()), () -> "agent-token", Duration.ofSeconds(5));
    ledger = new GrantLedger(redis, clock, Duration.ZERO);
    grants = new TestGrants(TestTokens.create(directory, clock), clock);
    keys = MasterKeys.parse(MasterKeys.generateJwks("k1"));
    Await.result(
        new RedisCredentialVault(
                new CredentialStore(redis, keys), keys, clock, EgressSettings.defaults())
            .put(
                new NewCredential(
                    CredentialOwner.operator(),
                    "openai-key",
                    "sk-provider-canary-0042",
                    List.of("http://127.0.0.1:" + provider.port()),
                    "authorization",
                    "Bearer",
                    ResponsePolicy.full())));
  }

  @AfterEach
  void stop() {
    budget.close();
    governor.close();
    provider.close();
    redis.close();
    vertx.close().await();
  }

  private LlmGateway gateway(ProviderSettings settings) {
    return new LlmGateway(
        Providers.routes(
            vertx, List.of(settings), clock, new SimpleMeterRegistry(), "test.breaker"),
        Optional.of(budget),
        ledger,
        Optional.of(new CredentialStore(redis, keys)),
        RetryUntil.settling(vertx, Clock.systemUTC()));
  }

  private ProviderSettings settings(String credential) {
    return ProviderSettings.openAiCompatible(
            "openai", URI.create(provider.url()), credential, List.of(MODEL))
        .withTimeout(Duration.ofSeconds(1))
        .withRetries(2, Duration.ofMillis(5))
        .withBreaker(50, Duration.ofSeconds(30));
  }

  private Grant grant(long costCap) {
    return grants.grant(
        ModuleDigest.of(new byte[] {1}), Set.of("llm"), Set.of(), Set.of(MODEL), costCap, 1);
  }

  /** {@code grant} with another expiry. */
  private static Grant expiringAt(Grant grant, Instant expiresAt) {
    return new Grant(
        grant.id(),
        grant.agent(),
        grant.tenant(),
        grant.task(),
        grant.budgetScope(),
        grant.toolDigests(),
        grant.capabilities(),
        grant.credentials(),
        grant.models(),
        grant.costCapMicros(),
        grant.maxUses(),
        expiresAt);
  }

  private LlmOutcome call(LlmGateway gateway, Grant grant) {
    return Await.result(
        gateway.complete(grant, GRANT_TOKEN, REQUEST, new Cancellation(), new GuestBoundary()));
  }

  private void assertNothingHeld(Grant grant, long spent) {
    assertThat(governor.activeReservations()).isZero();
    assertThat(governor.spentMicros()).isEqualTo(spent);
    long left = grant.costCapMicros() - spent;
    assertThat(Await.result(ledger.hold(grant, left))).isEqualTo(new GrantLedger.Hold.Held(0));
  }

  @Test
  void aCallIsReservedOnceAndCommittedAtItsActualCost() {
    Grant grant = grant(5_000);
    LlmOutcome outcome = call(gateway(settings("openai-key")), grant);

    assertThat(outcome).isInstanceOf(LlmOutcome.Completed.class);
    LlmOutcome.Completed completed = (LlmOutcome.Completed) outcome;
    assertThat(completed.costMicros()).isEqualTo(ACTUAL);
    assertThat(completed.remainingMicros()).isEqualTo(5_000 - ACTUAL);
    assertThat(governor.reserveCalls()).isEqualTo(1);
    assertNothingHeld(grant, ACTUAL);
  }

  /**
   * A call the provider answered while the governor could not be reached is charged once the
   * governor is back: the commit was tried three times back to back, all within a millisecond, and
   * the answered call went uncharged when its reservation expired.
   */
  /**
   * Regression: the chassis reserved with nothing the governor signed behind it, and the governor
   * took its word for the scope and the TTL. Every reservation now carries the invocation's signed
   * grant, for the governor to check, and its hold ends no later than the grant does.
   */
  @Test
  void aReservationCarriesTheGrantAndEndsBeforeIt() {
    Grant grant = expiringAt(grant(5_000), clock.instant().plusSeconds(20));

    assertThat(call(gateway(settings("openai-key")), grant))
        .isInstanceOf(LlmOutcome.Completed.class);

    JsonObject reserved = governor.lastReserve();
    assertThat(reserved.getString(ReservationWire.GRANT)).isEqualTo(GRANT_TOKEN);
    assertThat(reserved.getString(ReservationWire.SCOPE)).isEqualTo(grant.budgetScope());
    assertThat(reserved.getLong(ReservationWire.TTL_SECONDS)).isBetween(1L, 20L);
  }

  @Test
  void aCallUnderAnExpiredGrantReservesNothing() {
    Grant grant = expiringAt(grant(5_000), clock.instant().minusSeconds(1));

    LlmOutcome outcome = call(gateway(settings("openai-key")), grant);

    assertThat(outcome)
        .isInstanceOfSatisfying(
            LlmOutcome.Refused.class,
            refused -> assertThat(refused.error()).isEqualTo(AbiError.DENIED));
    assertThat(governor.reserveCalls()).isZero();
  }

  @Test
  void aCommitTheGovernorCannotTakeIsSentAgainUntilItLands() throws Exception {
    provider.then(new Behaviour.Slow(Duration.ofMillis(800)));
    Grant grant = grant(5_000);
    LlmGateway gateway = gateway(settings("openai-key"));

    CompletableFuture<LlmOutcome> outcome =
        CompletableFuture.supplyAsync(() -> call(gateway, grant));
    await().atMost(Duration.ofSeconds(10)).until(() -> governor.reserveCalls() == 1);
    governor.mode(FakeGovernor.Mode.UNAVAILABLE);
    Thread.sleep(3_000);
    governor.mode(FakeGovernor.Mode.HONEST);

    LlmOutcome settled = outcome.get(30, TimeUnit.SECONDS);
    assertThat(settled).isInstanceOf(LlmOutcome.Completed.class);
    assertThat(((LlmOutcome.Completed) settled).costMicros()).isEqualTo(ACTUAL);
    assertNothingHeld(grant, ACTUAL);
  }

  /**
   * Regression: the usage a provider reported was committed whatever it said: 10 million output
   * tokens for a call bound to 64. A report is held to the call's worst case.
   */
  @Test
  void usageReportedAboveTheWorstCaseIsChargedAtIt() {
    provider.then(new Behaviour.Reports(10_000_000));
    Grant grant = grant(5_000);
    LlmOutcome outcome = call(gateway(settings("openai-key")), grant);

    long atWorstCase =
        FakeGovernor.PRICE_PER_TOKEN
            * (FakeProvider.INPUT_TOKENS_PER_MESSAGE + REQUEST.maxTokens());
    assertThat(((LlmOutcome.Completed) outcome).costMicros()).isEqualTo(atWorstCase);
    assertNothingHeld(grant, atWorstCase);
  }

  /**
   * Regression: a commit the governor refused because it would pass the grant's cost cap (403
   * {@code GRANT_CAP_EXCEEDED}) was taken for an unreachable governor and sent again unchanged
   * until shortly before the hold's expiry, holding the budget all that time. The refusal is final:
   * the call is committed once more at its hold, which the cap always allows, and nothing stays
   * held.
   */
  @Test
  void aCommitTheGrantsCapRefusesIsCommittedAtItsHoldAndNotSentAgain() {
    governor.mode(FakeGovernor.Mode.CAPS_NEXT_COMMIT);
    Grant grant = grant(5_000);

    LlmOutcome outcome = call(gateway(settings("openai-key")), grant);

    assertThat(outcome)
        .isInstanceOfSatisfying(
            LlmOutcome.Completed.class,
            completed -> assertThat(completed.costMicros()).isEqualTo(RESERVED));
    assertNothingHeld(grant, RESERVED);
  }

  @Test
  void retriesAfter429And503ShareOneReservationAndChargeOnce() {
    provider.then(new Behaviour.Status(429, "0"), new Behaviour.Status(503, null));
    Grant grant = grant(5_000);
    assertThat(call(gateway(settings("openai-key")), grant))
        .isInstanceOf(LlmOutcome.Completed.class);
    assertThat(provider.received()).hasSize(3);
    assertThat(governor.reserveCalls()).isEqualTo(1);
    assertNothingHeld(grant, ACTUAL);
  }

  @Test
  void aProviderThatKeepsFailingReleasesTheReservationAndTheGrantsHold() {
    provider.then(
        new Behaviour.Status(500, null),
        new Behaviour.Status(502, null),
        new Behaviour.Status(503, null));
    Grant grant = grant(5_000);
    LlmOutcome outcome = call(gateway(settings("openai-key")), grant);
    assertThat(outcome)
        .isEqualTo(
            new LlmOutcome.Refused(
                AbiError.PROVIDER_UNAVAILABLE, "openai answered 503", OptionalLong.empty()));
    assertNothingHeld(grant, 0);
  }

  /**
   * Regression: a provider that had the request and never answered was retried twice and the call
   * released, though the provider may make and bill every request it received: a tool asking for
   * answers longer than the timeout had them free. It is tried once and charged as reserved.
   */
  @Test
  void aProviderThatHasTheRequestAndTimesOutIsChargedAsReservedOnce() {
    provider.then(new Behaviour.Hang(), new Behaviour.Hang(), new Behaviour.Hang());
    Grant grant = grant(5_000);
    LlmOutcome outcome = call(gateway(settings("openai-key")), grant);
    LlmOutcome.Refused refused = (LlmOutcome.Refused) outcome;
    assertThat(refused.error()).isEqualTo(AbiError.TIMEOUT);
    assertThat(refused.message()).contains("charged as reserved, " + RESERVED + " micro-dollars");
    assertThat(provider.received()).hasSize(1);
    assertNothingHeld(grant, RESERVED);
  }

  /**
   * Regression: an answer the provider sent that was no completion, or that repeated its usage
   * (decoded, the last copy, zero, won), was a final failure and released: a provider or a proxy in
   * front of one had a call it billed charged at nothing. It is unreadable, tried once and charged
   * as reserved.
   */
  @Test
  void anAnswerThatCannotBeReadOrRepeatsItsUsageIsChargedAsReservedOnce() {
    String repeated =
        "{\"id\":\"x\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":90,\"completion_tokens\":60},"
            + "\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":0}}";
    List<Behaviour> unreadable = List.of(new Behaviour.Garbage(), new Behaviour.Body(repeated));
    for (int i = 0; i < unreadable.size(); i++) {
      provider.then(unreadable.get(i));
      LlmOutcome.Refused refused =
          (LlmOutcome.Refused) call(gateway(settings("openai-key")), grant(5_000));

      assertThat(refused.message()).contains("charged as reserved, " + RESERVED + " micro-dollars");
      assertThat(governor.activeReservations()).isZero();
      assertThat(governor.spentMicros()).isEqualTo(RESERVED * (i + 1));
    }
    assertThat(provider.received()).hasSize(2);
  }

  /**
   * A call cancelled (its invocation ended) once the provider has the request is charged as
   * reserved too: the provider makes and bills it whether or not anyone waits for it.
   */
  @Test
  void aCallCancelledOnceTheProviderHasItIsChargedAsReserved() {
    provider.then(new Behaviour.Hang());
    Grant grant = grant(5_000);
    Cancellation cancellation = new Cancellation();
    Future<LlmOutcome> pending =
        gateway(settings("openai-key"))
            .complete(grant, GRANT_TOKEN, REQUEST, cancellation, new GuestBoundary());
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> provider.received().size() == 1);
    cancellation.cancel();
    assertThat(((LlmOutcome.Refused) Await.result(pending)).message())
        .contains("the call was cancelled", "charged as reserved");
    assertThat(provider.received()).hasSize(1);
    assertNothingHeld(grant, RESERVED);
  }

  @Test
  void theGrantsCostCapDeniesWithWhatIsLeftAndReleasesTheGovernorsHold() {
    Grant grant = grant(RESERVED - 1);
    LlmOutcome outcome = call(gateway(settings("openai-key")), grant);
    assertThat(outcome)
        .isEqualTo(
            new LlmOutcome.Refused(
                AbiError.BUDGET_DENIED,
                "the grant's cost cap of "
                    + (RESERVED - 1)
                    + " micro-dollars has "
                    + (RESERVED - 1)
                    + " left; the call needs "
                    + RESERVED,
                OptionalLong.of(RESERVED - 1)));
    assertThat(provider.received()).isEmpty();
    assertNothingHeld(grant, 0);
  }

  /**
   * Regression: the call reserved the prompt at about four characters a token, which counts a
   * script of three UTF-8 bytes a character a quarter of what a tokenizer may bill, so a 320
   * character CJK prompt reserved 151 tokens against a governor cap of 1,000 and could be billed
   * past it. It reserves every UTF-8 byte, as the gateway does, and is refused before the provider.
   */
  @Test
  void aPromptIsReservedAtEveryUtf8ByteSoAWideScriptCannotSlipUnderTheCap() {
    ChatRequest wide =
        new ChatRequest(MODEL, List.of(new ChatMessage("user", "龘".repeat(320))), 64);
    assertThat(wide.worstCaseInputTokens() + 64)
        .isGreaterThan(10_000 / FakeGovernor.PRICE_PER_TOKEN);
    LlmOutcome outcome =
        Await.result(
            gateway(settings("openai-key"))
                .complete(
                    grant(100_000), GRANT_TOKEN, wide, new Cancellation(), new GuestBoundary()));
    assertThat(outcome)
        .isInstanceOfSatisfying(
            LlmOutcome.Refused.class,
            refused -> assertThat(refused.error()).isEqualTo(AbiError.BUDGET_DENIED));
    assertThat(provider.received()).isEmpty();
    assertNothingHeld(grant(100_000), 0);
  }

  @Test
  void aMissingProviderKeyFailsTheCallWithoutReachingTheProvider() {
    Grant grant = grant(5_000);
    LlmOutcome outcome = call(gateway(settings("no-such-key")), grant);
    assertThat(outcome)
        .isEqualTo(
            new LlmOutcome.Refused(
                AbiError.PROVIDER_UNAVAILABLE,
                "the key of openai (credential no-such-key) is not in the vault",
                OptionalLong.empty()));
    assertThat(provider.received()).isEmpty();
    assertNothingHeld(grant, 0);
  }

  /**
   * Regression: one tenant's outcomes opened a breaker every tenant shares: a tool of one tenant
   * whose requests the provider answered 429 (or 5xx) opened the provider's breaker, and every
   * tenant's tools got "its circuit breaker is open". Now they hold off that tenant's calls of that
   * model only (a 429 is a rate limit of the model's, not a failure): its calls are refused before
   * anything is reserved, and another tenant's are made.
   */
  @Test
  void oneTenantsFailedCallsOpenItsOwnBreakerOnly() {
    LlmGateway gateway = gateway(settings("openai-key").withBreaker(2, Duration.ofSeconds(30)));
    for (int i = 0; i < 6; i++) {
      provider.then(new Behaviour.Status(429, null));
    }
    Grant mine = grant(5_000);
    call(gateway, mine);
    call(gateway, mine);
    int reserved = governor.reserveCalls();

    LlmOutcome refused = call(gateway, mine);
    assertThat(refused)
        .isEqualTo(
            new LlmOutcome.Refused(
                AbiError.PROVIDER_UNAVAILABLE,
                "openai rate-limited this tenant's latest calls of "
                    + MODEL
                    + " (429); its calls of that model are held off as the provider asked"
                    + " (Retry-After), not for a failure of the provider",
                OptionalLong.empty()));
    assertThat(governor.reserveCalls()).isEqualTo(reserved);
    assertThat(provider.received()).hasSize(6);
    Grant others =
        grants
            .forContext(new InvocationContext("tenant-b", "agent-1", "inv-2"))
            .grant(
                ModuleDigest.of(new byte[] {1}), Set.of("llm"), Set.of(), Set.of(MODEL), 5_000, 1);
    assertThat(call(gateway, others)).isInstanceOf(LlmOutcome.Completed.class);
    assertThat(governor.activeReservations()).isZero();
  }

  @Test
  void anUnreachableGovernorMeansNoCall() {
    governor.mode(FakeGovernor.Mode.UNAVAILABLE);
    LlmOutcome outcome = call(gateway(settings("openai-key")), grant(5_000));
    assertThat(((LlmOutcome.Refused) outcome).error()).isEqualTo(AbiError.UNAVAILABLE);
    assertThat(provider.received()).isEmpty();
  }

  /**
   * Regression: a reserve the governor applied but whose answer was lost left its hold to its
   * expiry, which now charges a chassis hold its whole amount, for a call never made. The chassis
   * sends the same reserve again until it is answered and releases the hold it names.
   */
  @Test
  void aReserveWhoseAnswerWasLostIsReclaimedAndNothingIsCharged() {
    Grant grant = grant(5_000);
    governor.mode(FakeGovernor.Mode.LOSES_NEXT_ANSWER);

    LlmOutcome outcome = call(gateway(settings("openai-key")), grant);

    assertThat(((LlmOutcome.Refused) outcome).error()).isEqualTo(AbiError.UNAVAILABLE);
    assertThat(provider.received()).isEmpty();
    await()
        .atMost(10, TimeUnit.SECONDS)
        .untilAsserted(() -> assertThat(governor.activeReservations()).isZero());
    assertThat(governor.spentMicros()).isZero();
  }

  @Test
  void concurrentCallsNeverSpendBeyondTheGovernorsCap() throws InterruptedException {
    Grant grant = grant(1_000_000);
    LlmGateway gateway = gateway(settings("openai-key"));
    List<LlmOutcome> outcomes =
        Concurrently.run(16, Duration.ofSeconds(30), i -> () -> call(gateway, grant));

    long completed = outcomes.stream().filter(LlmOutcome.Completed.class::isInstance).count();
    assertThat(completed).isGreaterThanOrEqualTo(10_000 / RESERVED);
    assertThat(
            outcomes.stream()
                .filter(
                    o -> o instanceof LlmOutcome.Refused r && r.error() == AbiError.BUDGET_DENIED))
        .hasSize((int) (16 - completed));
    assertThat(provider.received()).hasSize((int) completed);
    assertThat(governor.spentMicros()).isEqualTo(completed * ACTUAL).isLessThanOrEqualTo(10_000);
    assertThat(governor.activeReservations()).isZero();
  }
}
