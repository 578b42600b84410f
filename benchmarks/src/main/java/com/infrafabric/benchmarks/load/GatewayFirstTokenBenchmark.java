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
 * {@code data:} event. Compare the two in one run; the difference is what the gateway adds.
 *
 * <p>{@code direct} and {@code gateway} read each stream to its end after the measured time, as an
 * SDK reads a stream, so connections are kept alive on both hops as they are for such a client.
 * {@code directLeaving} and {@code gatewayLeaving} leave after the first event, as this benchmark
 * once did for every call: each call then opens a new connection to the gateway, the gateway one to
 * the provider (a left stream's connection is closed to stop the provider), and the previous call
 * is settled as a stream its client left while this one runs; their difference from the others is
 * what a client that leaves early costs. The gateway's caller is a virtual key by default ({@code
 * -p caller=token} for an agent token).
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

  /**
   * The stream a benchmark method left unread after its first event, read to its end after the
   * measured time ({@link Level#Invocation}), as an SDK reads a stream; one per benchmark thread.
   */
  @State(Scope.Thread)
  public static class Rest {
    private BufferedReader unread;

    /** Reads what is left of the stream, so its connection is kept alive for the next call. */
    @TearDown(Level.Invocation)
    public void readToEnd() throws IOException {
      if (unread == null) {
        return;
      }
      try (BufferedReader lines = unread) {
        while (lines.readLine() != null) {
          // The rest of the answer: read, not measured.
        }
      } finally {
        unread = null;
      }
    }
  }

  /** Straight to the provider: the baseline. */
  @Benchmark
  public String direct(Rest rest) throws IOException, InterruptedException {
    return firstEvent(directUri(), GatewayUnderLoad.OPERATOR_KEY, rest);
  }

  /** Through the gateway. */
  @Benchmark
  public String gateway(Rest rest) throws IOException, InterruptedException {
    return firstEvent(gatewayUri(), gatewayKey(), rest);
  }

  /**
   * Straight to the provider, the client leaving after the first event: its connection closes, so
   * every call opens a new one.
   */
  @Benchmark
  public String directLeaving() throws IOException, InterruptedException {
    return firstEvent(directUri(), GatewayUnderLoad.OPERATOR_KEY, null);
  }

  /**
   * Through the gateway, the client leaving after the first event, as this benchmark did before:
   * besides a new connection to the gateway, each call finds the provider's connection of the
   * previous call closed (a left stream's is reset, to stop the provider) and opens another, and
   * the previous call is settled as a stream its client left while this one runs.
   */
  @Benchmark
  public String gatewayLeaving() throws IOException, InterruptedException {
    return firstEvent(gatewayUri(), gatewayKey(), null);
  }

  private URI directUri() {
    return URI.create(bench.upstream.url() + "/v1/chat/completions");
  }

  private URI gatewayUri() {
    return URI.create(
        "http://127.0.0.1:" + bench.governor.port() + GatewayRoutes.OPENAI + "/chat/completions");
  }

  private String gatewayKey() {
    return bench.credential(GatewayUnderLoad.Caller.parse(caller));
  }

  /**
   * Sends the request and returns its first {@code data:} line. With {@code rest}, the stream is
   * left to it to read to the end; without, it is closed at once (the client leaves).
   */
  private String firstEvent(URI uri, String key, Rest rest)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .header("authorization", "Bearer " + key)
            .header("content-type", "application/json")
            .header("Idempotency-Key", UUID.randomUUID().toString())
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<InputStream> response =
        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    try {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("data:")) {
          if (rest != null) {
            rest.unread = lines;
            lines = null;
          }
          return line;
        }
      }
    } finally {
      if (lines != null) {
        lines.close();
      }
    }
    throw new IllegalStateException(
        uri + " answered " + response.statusCode() + " without an event");
  }
}
