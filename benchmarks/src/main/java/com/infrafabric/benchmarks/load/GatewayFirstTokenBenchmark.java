package com.infrafabric.benchmarks.load;

import com.infrafabric.governor.gateway.GatewayRoutes;
import com.infrafabric.governor.gateway.GatewaySettings;
import com.infrafabric.governor.pricing.ModelPrice;
import com.infrafabric.llm.ProviderSettings;
import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.llm.vault.VaultFixture;
import com.infrafabric.platform.http.AdmissionSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's overhead on time to first token: the same streamed chat completion sent straight to
 * a fake OpenAI-compatible provider on loopback, and through the governor's gateway (token check,
 * reserve in Redis, the vault's key, relay), each measured from sending the request to the first
 * {@code data:} event. Compare the two in one run; the difference is what the gateway adds. The
 * client leaves after the first event each time, so the gateway's call is settled as a stream its
 * client left (charged what was delivered) off the measured path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Threads(1)
public class GatewayFirstTokenBenchmark {

  private static final String MODEL = "gpt-bench";
  private static final String TENANT = "gwbench";

  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private FakeProvider upstream;
  private GovernorUnderLoad governor;
  private String token;
  private String body;

  @Setup(Level.Trial)
  public void start() throws IOException, InterruptedException {
    upstream = FakeProvider.start();
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
    governor = GovernorUnderLoad.start(Clock.systemUTC(), AdmissionSettings.defaults(), gateway);
    VaultFixture.putOperatorKey(
        governor.store(),
        MasterKeys.parse(keys),
        "bench-key",
        "sk-bench",
        upstream.url(),
        "authorization",
        "Bearer");
    governor.prices(List.of(new ModelPrice(MODEL, 1, 1, 1)));
    send(
        HttpRequest.newBuilder(governorUri("/v1/budgets/" + TENANT))
            .header("authorization", "Bearer " + governor.admin(TENANT))
            .header("content-type", "application/json")
            .PUT(
                HttpRequest.BodyPublishers.ofString(
                    "{\"limits\":{\"lifetime\":{\"cap_micros\":9000000000000000}}}"))
            .build());
    token = governor.agent("gateway-bench", TENANT + "/agents");
    body =
        "{\"model\":\""
            + MODEL
            + "\",\"stream\":true,\"max_tokens\":64,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say something\"}]}";
  }

  @TearDown(Level.Trial)
  public void stop() {
    governor.close();
    upstream.close();
  }

  /** Straight to the provider: the baseline. */
  @Benchmark
  public String direct() throws IOException, InterruptedException {
    return firstEvent(URI.create(upstream.url() + "/v1/chat/completions"), "sk-bench");
  }

  /** Through the gateway. */
  @Benchmark
  public String gateway() throws IOException, InterruptedException {
    return firstEvent(governorUri(GatewayRoutes.OPENAI + "/chat/completions"), token);
  }

  private String firstEvent(URI uri, String key) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .header("authorization", "Bearer " + key)
            .header("content-type", "application/json")
            .header("Idempotency-Key", UUID.randomUUID().toString())
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<InputStream> response =
        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream stream = response.body();
        BufferedReader lines =
            new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("data:")) {
          return line;
        }
      }
    }
    throw new IllegalStateException(
        uri + " answered " + response.statusCode() + " without an event");
  }

  private URI governorUri(String path) {
    return URI.create("http://127.0.0.1:" + governor.port() + path);
  }

  private void send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(request.uri() + " answered " + response.statusCode());
    }
  }
}
