package com.infrafabric.benchmarks.load;

import com.infrafabric.governor.gateway.GatewaySettings;
import com.infrafabric.governor.keys.VirtualKey;
import com.infrafabric.governor.pricing.ModelPrice;
import com.infrafabric.llm.ProviderSettings;
import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.llm.vault.VaultFixture;
import com.infrafabric.platform.http.AdmissionSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * What the gateway benchmarks measure: the governor as production runs it ({@link
 * GovernorUnderLoad}) with its gateway in front of a {@link FakeProvider} on loopback, the
 * operator's key in the vault, the model priced, a tenant funded beyond any run, and two callers
 * confined to it: a virtual key whose per-minute limits no run reaches (the gateway's usual caller,
 * whose calls also take from the key's buckets) and an agent token. The same provider is reachable
 * straight, for the baseline.
 */
final class GatewayUnderLoad implements AutoCloseable {

  static final String MODEL = "gpt-bench";

  /** The operator's key, which a call straight to the provider presents itself. */
  static final String OPERATOR_KEY = "sk-bench";

  private static final String TENANT = "gwbench";
  private static final String SCOPE = TENANT + "/agents";

  final FakeProvider upstream;
  final GovernorUnderLoad governor;

  /** Who calls through the gateway: a virtual key or an agent token of the funded tenant. */
  enum Caller {
    KEY,
    TOKEN;

    /** {@code key} or {@code token}, as the command lines name it. */
    static Caller parse(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  /** An agent token of the funded tenant, for calls through the gateway. */
  final String token;

  /** A virtual key of the funded tenant, limited far above any run's rate. */
  final String key;

  private GatewayUnderLoad(
      FakeProvider upstream, GovernorUnderLoad governor, String token, String key) {
    this.upstream = upstream;
    this.governor = governor;
    this.token = token;
    this.key = key;
  }

  /** The credential {@code caller} presents. */
  String credential(Caller caller) {
    return caller == Caller.KEY ? key : token;
  }

  static GatewayUnderLoad start() throws IOException, InterruptedException {
    FakeProvider upstream = FakeProvider.startUnrecorded();
    String keys = MasterKeys.generateJwks("bench");
    GatewaySettings gateway =
        new GatewaySettings(
            List.of(
                ProviderSettings.openAiCompatible(
                    "bench", URI.create(upstream.url()), "bench-key", List.of(MODEL))),
            GatewaySettings.parseAliases(List.of()),
            Optional.of(MasterKeys.parse(keys)),
            64,
            32_768,
            Duration.ofMinutes(1),
            16L << 20,
            false,
            GatewaySettings.NONE.keyCacheTtl(),
            GatewaySettings.NONE.allowedAnthropicBetas(),
            GatewaySettings.NONE.answerWait());
    GovernorUnderLoad governor =
        GovernorUnderLoad.start(Clock.systemUTC(), AdmissionSettings.defaults(), gateway);
    VaultFixture.putOperatorKey(
        governor.store(),
        MasterKeys.parse(keys),
        "bench-key",
        OPERATOR_KEY,
        upstream.url(),
        "authorization",
        "Bearer");
    governor.prices(List.of(new ModelPrice(MODEL, 1, 1, 1)));
    HttpRequest budget =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + governor.port() + "/v1/budgets/" + TENANT))
            .header("authorization", "Bearer " + governor.admin(TENANT))
            .header("content-type", "application/json")
            .PUT(
                HttpRequest.BodyPublishers.ofString(
                    "{\"limits\":{\"lifetime\":{\"cap_micros\":9000000000000000}}}"))
            .build();
    HttpResponse<String> funded =
        HttpClient.newHttpClient().send(budget, HttpResponse.BodyHandlers.ofString());
    if (funded.statusCode() / 100 != 2) {
      throw new IllegalStateException("funding the tenant answered " + funded.statusCode());
    }
    return new GatewayUnderLoad(
        upstream, governor, governor.agent("gateway-bench", SCOPE), issueKey(governor));
  }

  /** A virtual key of {@link #SCOPE} for any model, its limits never reached. */
  private static String issueKey(GovernorUnderLoad governor)
      throws IOException, InterruptedException {
    JsonObject spec =
        new JsonObject()
            .put("scope", SCOPE)
            .put("allowed_models", new JsonArray().add("*"))
            .put("requests_per_minute", VirtualKey.MAX_RATE)
            .put("tokens_per_minute", VirtualKey.MAX_RATE);
    HttpRequest create =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + governor.port() + "/v1/keys"))
            .header("authorization", "Bearer " + governor.admin(TENANT))
            .header("content-type", "application/json")
            .header("Idempotency-Key", UUID.randomUUID().toString())
            .POST(HttpRequest.BodyPublishers.ofString(spec.encode()))
            .build();
    HttpResponse<String> issued =
        HttpClient.newHttpClient().send(create, HttpResponse.BodyHandlers.ofString());
    if (issued.statusCode() != 201) {
      throw new IllegalStateException("issuing the key answered " + issued.statusCode());
    }
    return new JsonObject(issued.body()).getString("secret");
  }

  /** A chat completion request for {@link #MODEL}, streamed or not. */
  static String chat(boolean stream) {
    return "{\"model\":\""
        + MODEL
        + "\",\"stream\":"
        + stream
        + ",\"max_tokens\":64,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say something\"}]}";
  }

  @Override
  public void close() {
    governor.close();
    upstream.close();
  }
}
