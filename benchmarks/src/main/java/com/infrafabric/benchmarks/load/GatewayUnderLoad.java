package com.infrafabric.benchmarks.load;

import com.infrafabric.governor.gateway.GatewaySettings;
import com.infrafabric.governor.pricing.ModelPrice;
import com.infrafabric.llm.ProviderSettings;
import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.llm.vault.VaultFixture;
import com.infrafabric.platform.http.AdmissionSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the gateway benchmarks measure: the governor as production runs it ({@link
 * GovernorUnderLoad}) with its gateway in front of a {@link FakeProvider} on loopback, the
 * operator's key in the vault, the model priced, a tenant funded beyond any run and an agent token
 * confined to it. The same provider is reachable straight, for the baseline.
 */
final class GatewayUnderLoad implements AutoCloseable {

  static final String MODEL = "gpt-bench";

  /** The operator's key, which a call straight to the provider presents itself. */
  static final String OPERATOR_KEY = "sk-bench";

  private static final String TENANT = "gwbench";

  final FakeProvider upstream;
  final GovernorUnderLoad governor;

  /** An agent token of the funded tenant, for calls through the gateway. */
  final String token;

  private GatewayUnderLoad(FakeProvider upstream, GovernorUnderLoad governor, String token) {
    this.upstream = upstream;
    this.governor = governor;
    this.token = token;
  }

  static GatewayUnderLoad start() throws IOException, InterruptedException {
    FakeProvider upstream = FakeProvider.start();
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
            false);
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
        upstream, governor, governor.agent("gateway-bench", TENANT + "/agents"));
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
