package com.infrafabric.benchmarks.load;

import com.infrafabric.governor.gateway.GatewayRoutes;
import java.io.IOException;
import java.util.Map;
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
 *
 * <p>The client is the benchmark thread on a plain socket ({@link EventStreamConnection}), not the
 * JDK's {@code HttpClient}, whose own thread hand-offs were part of every figure it took.
 *
 * <p>Warm-up is 30 s, as in {@link GatewayOverheadLoad}: with 15 s the gateway's JIT compilers
 * still used 3.4 s of CPU during the measured 25 s ({@code -prof comp}, 2026-12-06), and the
 * iterations' means fell from 3.49 to 2.32 ms as they went; with 30 s, 1.2 s in the first four
 * measured iterations (2.72 to 2.28 ms). The gateway's path is a lot of code to compile: 12 s of
 * compiler CPU in the fork.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 6, time = 5)
@Measurement(iterations = 5, time = 5)
@Threads(1)
public class GatewayFirstTokenBenchmark {

  private static final String DIRECT_PATH = "/v1/chat/completions";
  private static final String GATEWAY_PATH = GatewayRoutes.OPENAI + "/chat/completions";

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
   * The benchmark thread's kept-alive connections, one to the provider and one to the gateway, and
   * the stream a benchmark method left unread after its first event, read to its end after the
   * measured time ({@link Level#Invocation}), as an SDK reads a stream.
   */
  @State(Scope.Thread)
  public static class Connections {
    private EventStreamConnection direct;
    private EventStreamConnection gateway;
    private EventStreamConnection unread;

    /** Reads what is left of the stream, so its connection can carry the next call. */
    @TearDown(Level.Invocation)
    public void readToEnd() throws IOException {
      if (unread != null) {
        EventStreamConnection rest = unread;
        unread = null;
        rest.readToEnd();
      }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      for (EventStreamConnection connection : new EventStreamConnection[] {direct, gateway}) {
        if (connection != null) {
          connection.close();
        }
      }
    }
  }

  /** Straight to the provider: the baseline. */
  @Benchmark
  public String direct(Connections connections) throws IOException {
    if (connections.direct == null) {
      connections.direct = EventStreamConnection.open(bench.upstream.port());
    }
    connections.unread = connections.direct;
    return firstEvent(connections.direct, DIRECT_PATH, GatewayUnderLoad.OPERATOR_KEY);
  }

  /** Through the gateway. */
  @Benchmark
  public String gateway(Connections connections) throws IOException {
    if (connections.gateway == null) {
      connections.gateway = EventStreamConnection.open(bench.governor.port());
    }
    connections.unread = connections.gateway;
    return firstEvent(connections.gateway, GATEWAY_PATH, gatewayKey());
  }

  /**
   * Straight to the provider, the client leaving after the first event: its connection closes, so
   * every call opens a new one.
   */
  @Benchmark
  public String directLeaving() throws IOException {
    try (EventStreamConnection connection = EventStreamConnection.open(bench.upstream.port())) {
      return firstEvent(connection, DIRECT_PATH, GatewayUnderLoad.OPERATOR_KEY);
    }
  }

  /**
   * Through the gateway, the client leaving after the first event, as this benchmark did before:
   * besides a new connection to the gateway, each call finds the provider's connection of the
   * previous call closed (a left stream's is reset, to stop the provider) and opens another, and
   * the previous call is settled as a stream its client left while this one runs.
   */
  @Benchmark
  public String gatewayLeaving() throws IOException {
    try (EventStreamConnection connection = EventStreamConnection.open(bench.governor.port())) {
      return firstEvent(connection, GATEWAY_PATH, gatewayKey());
    }
  }

  private String gatewayKey() {
    return bench.credential(GatewayUnderLoad.Caller.parse(caller));
  }

  /** Sends the streamed request on {@code connection} and returns its first {@code data:} line. */
  private String firstEvent(EventStreamConnection connection, String path, String key)
      throws IOException {
    return connection.firstEvent(
        path,
        Map.of("authorization", "Bearer " + key, "Idempotency-Key", UUID.randomUUID().toString()),
        body);
  }
}
