package com.infrafabric.benchmarks.load;

import com.infrafabric.governor.gateway.GatewayRoutes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
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
 * client left (charged what was delivered) off the measured path. The gateway's caller is a virtual
 * key by default ({@code -p caller=token} for an agent token).
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

  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** Who calls through the gateway: {@code key} or {@code token}. */
  @Param({"key"})
  public String caller;

  private GatewayUnderLoad bench;
  private String body;

  @Setup(Level.Trial)
  public void start() throws IOException, InterruptedException {
    bench = GatewayUnderLoad.start();
    body = GatewayUnderLoad.chat(true);
  }

  @TearDown(Level.Trial)
  public void stop() {
    bench.close();
  }

  /** Straight to the provider: the baseline. */
  @Benchmark
  public String direct() throws IOException, InterruptedException {
    return firstEvent(
        URI.create(bench.upstream.url() + "/v1/chat/completions"), GatewayUnderLoad.OPERATOR_KEY);
  }

  /** Through the gateway. */
  @Benchmark
  public String gateway() throws IOException, InterruptedException {
    return firstEvent(
        URI.create(
            "http://127.0.0.1:"
                + bench.governor.port()
                + GatewayRoutes.OPENAI
                + "/chat/completions"),
        bench.credential(GatewayUnderLoad.Caller.parse(caller)));
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
}
