package com.infrafabric.governor.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.infrafabric.governor.keys.IssuedKey;
import com.infrafabric.governor.keys.KeySpec;
import com.infrafabric.governor.keys.VirtualKeys;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.platform.testing.Await;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Virtual keys at the gateway, with the official SDKs: a key is charged to its scope, limited to
 * its models and its requests a minute, and stops working the moment it is revoked.
 */
@Timeout(120)
class GatewayVirtualKeyTest {

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  @Test
  void aKeyIsChargedToItsScopeLimitedToItsModelsAndItsRequestsAMinute() {
    String scope = RIG.fundedScope(1_000_000);
    // Two requests a minute: the call, and the refused one, which counts too.
    IssuedKey issued = issue(scope, Set.of("gpt-test"), 2);
    String secret = issued.secret().orElseThrow();

    var completion =
        RIG.openAi(secret).chat().completions().create(GatewayRig.chat("gpt-test", "Keyed"));
    assertThatThrownBy(
            () ->
                RIG.openAi(secret).chat().completions().create(GatewayRig.chat("mini-test", "No")))
        .isInstanceOf(PermissionDeniedException.class);
    assertThatThrownBy(
            () ->
                RIG.openAi(secret).chat().completions().create(GatewayRig.chat("gpt-test", "More")))
        .isInstanceOf(RateLimitException.class)
        .hasMessageContaining("rpm");

    assertThat(completion.choices().get(0).message().content())
        .hasValue("fake answer from gpt-test");
    assertThat(RIG.spentAndReserved(scope)).containsExactly(oneCall(), 0);
    assertThat(RIG.primary.received())
        .allSatisfy(r -> assertThat(r.headers().toString()).doesNotContain(secret));
    String tenant = issued.key().tenant();
    var spend =
        RIG.governor.call(
            "GET",
            "/v1/spend?scope="
                + tenant
                + "&from="
                + RIG.governor.clock.instant().minus(Duration.ofDays(1))
                + "&to="
                + RIG.governor.clock.instant().plus(Duration.ofDays(1))
                + "&group_by=key,provider",
            RIG.governor.auditor(tenant),
            null);
    assertThat(spend.statusCode()).as(spend.body()).isEqualTo(200);
    assertThat(spend.body()).contains(issued.key().id()).contains("primary").doesNotContain(secret);
  }

  /**
   * Regression: a token whose subject and claims named a key (signed by a trusted issuer, confined
   * to another subtree) was taken for that key: it spent the key's buckets, locking out its caller,
   * escaped the per-principal limit, put its spend under the key's id, and a claim that is no
   * number was a 500. What a caller is follows from how it was proven: such a token is refused.
   */
  @Test
  void aTokenNamingAKeysSubjectAndClaimsIsRefusedAndTheKeyIsUntouched() {
    String scope = RIG.fundedScope(1_000_000);
    IssuedKey issued = issue(scope, Set.of("*"), 1);
    String keyId = issued.key().id();
    String tenant = issued.key().tenant();
    for (String rpm : List.of("1", "abc")) {
      String posing =
          RIG.governor.tokens.mint(
              RIG.governor
                  .tokens
                  .spec(GatewayCallers.KEY_SUBJECT + tenant + ":" + keyId, "agent")
                  .withScope(RIG.fundedScope(1_000_000))
                  .withClaim(GatewayCaller.KEY_CLAIM, keyId)
                  .withClaim(GatewayCallers.RPM_CLAIM, rpm)
                  .withClaim(GatewayCallers.TPM_CLAIM, "1000"));

      HttpResponse<String> refused =
          RIG.post(
              GatewayRoutes.OPENAI + "/chat/completions",
              posing,
              new JsonObject()
                  .put("model", "gpt-test")
                  .put("max_tokens", 5)
                  .put(
                      "messages",
                      new JsonArray()
                          .add(new JsonObject().put("role", "user").put("content", "posing"))),
              Map.of());

      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
    }
    var answered =
        RIG.openAi(issued.secret().orElseThrow())
            .chat()
            .completions()
            .create(GatewayRig.chat("gpt-test", "Mine"));
    assertThat(answered.choices()).hasSize(1);
  }

  /**
   * A refusal's sentence and its {@code Retry-After} give the same wait, in both dialects, when the
   * bucket refills a fraction of a second past a whole one: the sentence used to round down what
   * the header rounds up ("Retry after 59 s" beside {@code retry-after: 60}).
   */
  @Test
  void aKeysRateLimitSaysTheWaitItsRetryAfterHeaderGives() {
    String secret = issue(RIG.fundedScope(1_000_000), Set.of("*"), 1).secret().orElseThrow();
    RIG.openAi(secret).chat().completions().create(GatewayRig.chat("gpt-test", "First"));
    RIG.governor.clock.advance(Duration.ofMillis(300));

    assertThatThrownBy(
            () ->
                RIG.openAi(secret)
                    .chat()
                    .completions()
                    .create(GatewayRig.chat("gpt-test", "Second")))
        .isInstanceOfSatisfying(
            RateLimitException.class,
            e -> assertSaysTheHeadersWait(e.getMessage(), e.headers().values("retry-after")));
    assertThatThrownBy(
            () -> RIG.anthropic(secret).messages().create(GatewayRig.message("claude-test")))
        .isInstanceOfSatisfying(
            com.anthropic.errors.RateLimitException.class,
            e -> assertSaysTheHeadersWait(e.getMessage(), e.headers().values("retry-after")));
  }

  private static void assertSaysTheHeadersWait(String message, List<String> retryAfter) {
    assertThat(retryAfter).containsExactly("60");
    assertThat(message).contains("Retry after 60 s.");
  }

  /**
   * Anthropic's Python SDK, given both an API key and an auth token, sends both, in {@code
   * x-api-key} and {@code Authorization}: the same key in both is that key, under either dialect.
   * (The Java SDK refuses to be built with both, and sends one only, so the test sends the
   * Anthropic request itself; the OpenAI SDK sends an extra x-api-key as it is told.)
   */
  @Test
  void theSameKeyInBothCredentialHeadersIsThatKey() {
    String secret = issue(RIG.fundedScope(1_000_000), Set.of("*"), 100).secret().orElseThrow();

    HttpResponse<String> message = anthropicWithBoth(secret, secret);
    var completion =
        openAiSendingXApiKey(secret, secret)
            .chat()
            .completions()
            .create(GatewayRig.chat("gpt-test", "Both"));

    assertThat(message.statusCode()).as(message.body()).isEqualTo(200);
    assertThat(completion.choices()).isNotEmpty();
  }

  /**
   * Two different credentials, each valid alone, are refused with a 401 that says so in the
   * dialect's message, which has no place for the reason detail the platform's shape carries.
   */
  @Test
  void twoDifferentCredentialsAreRefusedSayingSo() {
    String scope = RIG.fundedScope(1_000_000);
    String key = issue(scope, Set.of("*"), 100).secret().orElseThrow();
    String otherKey = issue(scope, Set.of("*"), 100).secret().orElseThrow();

    HttpResponse<String> anthropic = anthropicWithBoth(key, otherKey);
    assertThat(anthropic.statusCode()).isEqualTo(401);
    JsonObject error = new JsonObject(anthropic.body()).getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("authentication_error");
    assertThat(error.getString("message")).contains("two different credentials");
    assertThatThrownBy(
            () ->
                openAiSendingXApiKey(RIG.agent(scope), key)
                    .chat()
                    .completions()
                    .create(GatewayRig.chat("gpt-test", "Which?")))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessageContaining("two different credentials");
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
  }

  /**
   * Every refused credential is told why in the dialect's message, not only an ambiguous one: here
   * none at all (a revoked key is {@link #aRevokedKeyIsRefusedAtOnce}).
   */
  @Test
  void aRefusedCredentialIsToldWhyInTheDialect() {
    HttpResponse<String> openAi =
        RIG.governor.call("GET", GatewayRoutes.OPENAI + "/models", null, null, Map.of());
    HttpResponse<String> anthropic =
        RIG.post(GatewayRoutes.ANTHROPIC + "/v1/messages", null, new JsonObject(), Map.of());

    for (HttpResponse<String> refused : List.of(openAi, anthropic)) {
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("message"))
          .isEqualTo("A valid credential is required: no credential was sent.");
    }
  }

  /**
   * A key's requests the gateway refuses for what they sent count against its requests a minute,
   * and once those are spent its requests are refused before their bodies are read: the probe sent
   * 40 refused 1 MiB bodies in 4 s on a key of one request a minute, none throttled.
   */
  @Test
  void refusedRequestsSpendTheKeysRequestsAMinuteToo() {
    String scope = RIG.fundedScope(1_000_000);
    String secret = issue(scope, Set.of("gpt-test"), 2).secret().orElseThrow();
    String unreadable =
        new JsonObject()
            .put("model", "gpt-test")
            .put("max_tokens", 1)
            .put("zzz", "x".repeat(100_000))
            .put(
                "messages",
                new JsonArray().add(new JsonObject().put("role", "user").put("content", "a")))
            .encode();

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      statuses.add(
          RIG.governor
              .http
              .send(
                  "POST", GatewayRoutes.OPENAI + "/chat/completions", secret, Map.of(), unreadable)
              .statusCode());
    }

    assertThat(statuses).containsExactly(400, 400, 429, 429);
    assertThatThrownBy(
            () ->
                RIG.openAi(secret).chat().completions().create(GatewayRig.chat("gpt-test", "Now")))
        .isInstanceOf(RateLimitException.class);
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0L, 0L);
  }

  /**
   * Regression: the model list took nothing from a key's buckets and, as a key is exempt from the
   * per-principal limit, escaped every limit while it read the budget's status each time: 14,013
   * answers in 6 s on a key of 2 requests a minute. Every gateway route a key reaches takes from
   * its requests a minute (the Anthropic dialect serves none but its calls).
   */
  @Test
  void theModelListSpendsTheKeysRequestsAMinute() {
    String scope = RIG.fundedScope(1_000_000);
    String secret = issue(scope, Set.of("gpt-test"), 2).secret().orElseThrow();

    for (int i = 0; i < 2; i++) {
      assertThat(RIG.openAi(secret).models().list().data()).isNotEmpty();
    }

    assertThatThrownBy(() -> RIG.openAi(secret).models().list())
        .isInstanceOf(RateLimitException.class)
        .hasMessageContaining("rpm");
    assertThatThrownBy(
            () -> RIG.openAi(secret).chat().completions().create(GatewayRig.chat("gpt-test", "Hi")))
        .isInstanceOf(RateLimitException.class);
  }

  /**
   * An Anthropic message sent with {@code apiKey} in x-api-key and {@code bearer} in Authorization.
   */
  private static HttpResponse<String> anthropicWithBoth(String apiKey, String bearer) {
    JsonObject message =
        new JsonObject()
            .put("model", "claude-test")
            .put("max_tokens", 100)
            .put(
                "messages",
                new JsonArray().add(new JsonObject().put("role", "user").put("content", "Both")));
    return RIG.post(
        GatewayRoutes.ANTHROPIC + "/v1/messages",
        bearer,
        message,
        Map.of("x-api-key", apiKey, "anthropic-version", "2023-06-01"));
  }

  /** The OpenAI SDK sending {@code bearer} in Authorization and {@code apiKey} in x-api-key. */
  private static com.openai.client.OpenAIClient openAiSendingXApiKey(String bearer, String apiKey) {
    return com.openai.client.okhttp.OpenAIOkHttpClient.builder()
        .baseUrl(RIG.openAiBase())
        .apiKey(bearer)
        .putHeader("x-api-key", apiKey)
        .maxRetries(0)
        .build();
  }

  @Test
  void aRevokedKeyIsRefusedAtOnce() {
    String scope = RIG.fundedScope(1_000_000);
    IssuedKey issued = issue(scope, Set.of("*"), 100);
    String secret = issued.secret().orElseThrow();
    RIG.openAi(secret).chat().completions().create(GatewayRig.chat("gpt-test", "Before"));

    Await.result(
        keys()
            .revoke(
                issued.key().tenant(),
                issued.key().id(),
                Scope.parse(issued.key().tenant()),
                IdempotencyKey.of("revoke-" + UUID.randomUUID()),
                GovernorRig.ADMIN));

    assertThatThrownBy(
            () ->
                RIG.openAi(secret)
                    .chat()
                    .completions()
                    .create(GatewayRig.chat("gpt-test", "After")))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessageContaining("the key the credential names is unknown, revoked or expired");
  }

  /**
   * The key's buckets and the budget are asked at the same time: when the buckets refuse a call
   * whose reservation was already held, that reservation is released, the ledger says why, and
   * nothing is charged.
   */
  @Test
  void aCallTheKeysBucketsRefuseHasItsReservationReleasedAndIsChargedNothing() {
    String scope = RIG.fundedScope(1_000_000);
    IssuedKey issued = issue(scope, Set.of("gpt-test"), 1);
    String secret = issued.secret().orElseThrow();
    RIG.openAi(secret).chat().completions().create(GatewayRig.chat("gpt-test", "First"));
    long spentByFirst = RIG.spentAndReserved(scope)[0];

    assertThatThrownBy(
            () ->
                RIG.openAi(secret)
                    .chat()
                    .completions()
                    .create(GatewayRig.chat("gpt-test", "Second")))
        .isInstanceOf(RateLimitException.class)
        .hasMessageContaining("rpm");

    assertThat(RIG.spentAndReserved(scope)).containsExactly(spentByFirst, 0);
    String tenant = issued.key().tenant();
    var ledger =
        RIG.governor.call("GET", "/v1/ledger/" + tenant, RIG.governor.auditor(tenant), null);
    assertThat(ledger.body()).contains("rate_limited");

    // Within the wait it was told, the key's refusal stands on this node: the calls that follow
    // are refused with nothing reserved and released for them.
    int entries = new JsonObject(ledger.body()).getJsonArray("entries").size();
    for (int call = 0; call < 3; call++) {
      HttpResponse<String> refused = chat(secret, "k-flood-" + call);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
      assertThat(refused.headers().firstValue("retry-after")).isPresent();
    }
    var after =
        RIG.governor.call("GET", "/v1/ledger/" + tenant, RIG.governor.auditor(tenant), null);
    assertThat(new JsonObject(after.body()).getJsonArray("entries")).hasSize(entries);
  }

  /**
   * A call that was never made (refused by the key's buckets, or refused by the provider before any
   * token) charges nothing and leaves its Idempotency-Key free: the retry under the same key, sent
   * as the refusal said, is a new call, answered and charged once, never a 409 saying it was made.
   * The key stays bound to its request, though: another request under it (even one of the same
   * estimate) is a conflict, as on the REST API (the review's probe reused a released call's key
   * for a different body). A call that was made keeps its key: its repeat is that 409.
   */
  @Test
  void aCallNeverMadeLeavesItsIdempotencyKeyFreeForTheRetry() {
    String scope = RIG.fundedScope(1_000_000);
    IssuedKey issued = issue(scope, Set.of("gpt-test"), 1);
    String secret = issued.secret().orElseThrow();
    assertThat(chat(secret, "k-made").statusCode()).isEqualTo(200);

    // Refused by the key's one request a minute, then by the provider: each retried as told.
    for (int refusal : new int[] {429, 400}) {
      if (refusal == 400) {
        RIG.primary.then(new FakeProvider.Behaviour.Status(400, null));
      }
      String key = "k-refused-" + refusal;
      HttpResponse<String> refused = chat(secret, key);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(refusal);
      Await.result(keys().giveBack(issued.key(), 1_000));
      HttpResponse<String> other = chatSaying(secret, key, 5, "Ho");
      assertThat(other.statusCode()).as(other.body()).isEqualTo(409);
      assertThat(other.headers().firstValue("x-error-code")).hasValue("IDEMPOTENCY_CONFLICT");
      Await.result(keys().giveBack(issued.key(), 1_000));
      HttpResponse<String> retried = chat(secret, key);
      assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
      Await.result(keys().giveBack(issued.key(), 1_000));
    }

    HttpResponse<String> repeat = chat(secret, "k-made");
    assertThat(repeat.statusCode()).as(repeat.body()).isEqualTo(409);
    assertThat(repeat.headers().firstValue("x-error-code")).hasValue("CALL_ALREADY_MADE");
    assertThat(RIG.spentAndReserved(scope)).containsExactly(3 * oneCall(), 0);
  }

  /**
   * A provider refusing the operator's key is the gateway's failure, not the caller's: never a 401
   * or 403 that an SDK reads as its own key refused, never the provider's words (which may quote
   * part of the operator's key), and nothing charged.
   */
  @Test
  void aProviderRefusingTheOperatorsKeyIsAFailureOfTheGatewayNotTheCallers() {
    String scope = RIG.fundedScope(1_000_000);
    String secret = issue(scope, Set.of("gpt-test"), 100).secret().orElseThrow();
    for (int status : new int[] {401, 403}) {
      RIG.primary.then(new FakeProvider.Behaviour.Status(status, null));
      HttpResponse<String> failed = chat(secret, "k-" + status);
      assertThat(failed.statusCode()).as(failed.body()).isBetween(500, 599);
      assertThat(failed.body()).contains("operator's credential").doesNotContain("scripted");
    }
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
  }

  /**
   * The key's tokens-per-minute bucket counts what calls used, not their bound: admission takes the
   * prompt and the whole output bound, and the settled call gives back what it did not use, so a
   * key allowed 1,000 tokens a minute makes several calls bounded at 600 that use a few tokens
   * each.
   */
  @Test
  void aKeysTokenBucketCountsWhatItsCallsUsedNotTheirBound() {
    String scope = RIG.fundedScope(1_000_000);
    String secret = issue(scope, Set.of("gpt-test"), 100, 1_000).secret().orElseThrow();
    for (int call = 0; call < 3; call++) {
      String key = "k-bounded-" + call;
      await("call " + call + " admitted once the one before settled")
          .atMost(Duration.ofSeconds(10))
          .until(() -> boundedChat(secret, key, 600).statusCode() == 200);
    }
  }

  private static HttpResponse<String> boundedChat(
      String secret, String idempotencyKey, long maxTokens) {
    return chatSaying(secret, idempotencyKey, maxTokens, "Hi");
  }

  private static HttpResponse<String> chatSaying(
      String secret, String idempotencyKey, long maxTokens, String text) {
    String body =
        new JsonObject()
            .put("model", "gpt-test")
            .put("max_tokens", maxTokens)
            .put(
                "messages",
                new JsonArray().add(new JsonObject().put("role", "user").put("content", text)))
            .encode();
    return RIG.governor.http.send(
        "POST",
        GatewayRoutes.OPENAI + "/chat/completions",
        secret,
        Map.of("Idempotency-Key", idempotencyKey),
        body);
  }

  /** What one call of gpt-test answered by the fake provider costs (five output tokens). */
  private static long oneCall() {
    return RIG.governor
        .service
        .pricing()
        .get()
        .cost("gpt-test", new TokenUsage(FakeProvider.INPUT_TOKENS_PER_MESSAGE, 0, 5));
  }

  private static HttpResponse<String> chat(String secret, String idempotencyKey) {
    return boundedChat(secret, idempotencyKey, 5);
  }

  /**
   * When the budget refuses a call the key's buckets admitted, the request goes back to the bucket:
   * a key allowed one request a minute still makes its call once the budget has room.
   */
  @Test
  void aCallTheBudgetRefusesGivesItsRequestBackToTheKeysBucket() {
    String scope = GovernorRig.freshTenant("gwk") + "/agents";
    RIG.governor.budget(scope, "day", 1);
    String secret = issue(scope, Set.of("gpt-test"), 1).secret().orElseThrow();

    assertThatThrownBy(
            () ->
                RIG.openAi(secret)
                    .chat()
                    .completions()
                    .create(GatewayRig.chat("gpt-test", "Too dear")))
        .isInstanceOf(RateLimitException.class)
        .hasMessageContaining("Budget exceeded");
    RIG.governor.budget(scope, "day", 1_000_000);

    var completion =
        RIG.openAi(secret).chat().completions().create(GatewayRig.chat("gpt-test", "Now"));

    assertThat(completion.choices().get(0).message().content())
        .hasValue("fake answer from gpt-test");
    assertThat(RIG.spentAndReserved(scope)[1]).isZero();
  }

  /**
   * A call that may use more tokens than a whole minute of its key's allowance is refused before
   * anything is reserved or taken, with the SDK told not to retry: a full bucket does not let a
   * call of any size through.
   */
  @Test
  void aCallLargerThanAMinutesTokenAllowanceIsRefusedAndTakesNothing() {
    String scope = RIG.fundedScope(1_000_000);
    String secret = issue(scope, Set.of("gpt-test"), 100, 2_000).secret().orElseThrow();

    HttpResponse<String> refused =
        RIG.post(
            GatewayRoutes.OPENAI + "/chat/completions",
            secret,
            new JsonObject()
                .put("model", "gpt-test")
                .put("max_tokens", 5_000)
                .put(
                    "messages",
                    new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi"))),
            Map.of());

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    assertThat(refused.headers().firstValue("x-error-code")).hasValue("CALL_TOO_LARGE");
    assertThat(refused.headers().firstValue("x-should-retry")).hasValue("false");
    assertThat(refused.headers().firstValue("retry-after")).isEmpty();
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
    var fits =
        RIG.openAi(secret)
            .chat()
            .completions()
            .create(
                GatewayRig.chat("gpt-test", "Hi").toBuilder().maxCompletionTokens(1_000).build());
    assertThat(fits.choices()).isNotEmpty();
  }

  /**
   * Regression: a key's tokens-per-minute bucket took a guess of four characters a token over the
   * messages alone, while the reservation priced every byte of the prompt a token: a 189 KB call of
   * tools passed a key of 2,000 tokens a minute (and 20 at once committed 3.78 M input tokens), as
   * did 7,000 CJK characters. The bucket takes the reservation's bound, tools and every byte
   * included, so each is {@code CALL_TOO_LARGE} before anything is taken.
   */
  @ParameterizedTest
  @ValueSource(strings = {"tools", "cjk"})
  void aCallsToolsAndEveryByteOfItsTextCountAgainstTheKeysMinute(String heavy) {
    String scope = RIG.fundedScope(1_000_000);
    String secret = issue(scope, Set.of("gpt-test"), 100, 2_000).secret().orElseThrow();
    JsonObject call =
        new JsonObject()
            .put("model", "gpt-test")
            .put("max_tokens", 5)
            .put(
                "messages",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("role", "user")
                            .put("content", heavy.equals("cjk") ? "\u6f22".repeat(700) : "Hi")));
    if (heavy.equals("tools")) {
      call.put(
          "tools",
          new JsonArray()
              .add(
                  new JsonObject()
                      .put("type", "function")
                      .put(
                          "function",
                          new JsonObject()
                              .put("name", "lookup")
                              .put("description", "Looks things up. ".repeat(150))
                              .put("parameters", new JsonObject().put("type", "object")))));
    }

    HttpResponse<String> refused =
        RIG.post(GatewayRoutes.OPENAI + "/chat/completions", secret, call, Map.of());

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    assertThat(refused.headers().firstValue("x-error-code")).hasValue("CALL_TOO_LARGE");
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
  }

  /**
   * A body the server cannot frame, arriving while the caller's key is still being looked up, is
   * answered at once in OpenAI's dialect; the lookup that completes after the answer takes no
   * in-flight slot, which nothing would give back.
   */
  @Test
  void aMalformedChunkDuringTheKeysLookupIsA400AndHoldsNoSlot() throws Exception {
    String scope = RIG.fundedScope(1_000_000);
    for (int i = 0; i < 10; i++) {
      String secret = issue(scope, Set.of("gpt-test"), 100).secret().orElseThrow();
      String head =
          "POST "
              + GatewayRoutes.OPENAI
              + "/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
              + secret
              + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
      try (Socket socket = new Socket("127.0.0.1", RIG.governor.service.port())) {
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write((head + "zz\r\n{}\r\n0\r\n\r\n").getBytes(UTF_8));
        String answer = new String(socket.getInputStream().readAllBytes(), UTF_8);
        assertThat(answer).startsWith("HTTP/1.1 400");
        JsonObject error =
            new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4)).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("invalid_request_error");
      }
    }
    awaitNoSlotHeld();
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
  }

  /**
   * Callers that reset their connection right after sending a whole call, while their key is looked
   * up or their call starts, hold no in-flight slot once the resets are seen.
   */
  @Test
  void callersThatResetRightAfterTheirRequestHoldNoSlot() throws Exception {
    String scope = RIG.fundedScope(1_000_000);
    String body =
        "{\"model\":\"gpt-test\",\"max_tokens\":64,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    String cached = issue(scope, Set.of("gpt-test"), 1_000).secret().orElseThrow();
    for (int i = 0; i < 20; i++) {
      String secret =
          i % 2 == 0 ? issue(scope, Set.of("gpt-test"), 1_000).secret().orElseThrow() : cached;
      for (String request :
          List.of(
              "POST "
                  + GatewayRoutes.OPENAI
                  + "/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                  + secret
                  + "\r\nContent-Type: application/json\r\nContent-Length: "
                  + body.length()
                  + "\r\n\r\n"
                  + body,
              "GET "
                  + GatewayRoutes.OPENAI
                  + "/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                  + secret
                  + "\r\n\r\n")) {
        try (Socket socket = new Socket("127.0.0.1", RIG.governor.service.port())) {
          socket.setSoLinger(true, 0);
          socket.getOutputStream().write(request.getBytes(UTF_8));
        }
      }
    }
    awaitNoSlotHeld();
  }

  /** Waits until the node's in-flight requests are back to none. */
  private static void awaitNoSlotHeld() {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(RIG.governor.meters.get("http.server.in.flight").gauge().value())
                    .isZero());
  }

  private static IssuedKey issue(String scope, Set<String> models, long rpm) {
    return issue(scope, models, rpm, 1_000_000);
  }

  private static IssuedKey issue(String scope, Set<String> models, long rpm, long tpm) {
    return Await.result(
        keys()
            .create(
                new KeySpec(Scope.parse(scope), models, rpm, tpm, Map.of(), null),
                IdempotencyKey.of("key-" + UUID.randomUUID()),
                GovernorRig.ADMIN));
  }

  private static VirtualKeys keys() {
    return RIG.governor.service.keys();
  }
}
