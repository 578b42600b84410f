package com.infrafabric.benchmarks.chassis;

import com.infrafabric.benchmarks.TempDirectory;
import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.redis.ManagedRedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One call of a trivial tool (echo) over the chassis's MCP endpoint ({@code tools/call} in a
 * session) next to the same call over REST ({@code POST /v1/tools/echo/1.0.0/invocations}), both
 * over HTTP/1.1 on loopback with the same client, against one chassis service on a private
 * redis-server. Target: MCP at most 1.2 times REST.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar McpVsRest -rf json -rff
 * mcp-vs-rest.json}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class McpVsRestBenchmark {

  private static final String INPUT = "{\"query\":\"weather in Lyon\"}";

  private TempDirectory directory;
  private TempDirectory redisData;
  private ManagedRedisServer redis;
  private ChassisServiceRig rig;
  private HttpClient http;
  private HttpRequest rest;
  private String token;
  private String session;
  private final AtomicLong nextId = new AtomicLong(1);

  @Setup(Level.Trial)
  public void start() {
    directory = TempDirectory.create("bench-mcp-");
    redisData = TempDirectory.create("bench-mcp-redis-");
    redis = ManagedRedisServer.builder(redisData.path()).build().start();
    rig = new ChassisServiceRig(redis.endpoint(), directory.path(), Map.of());
    byte[] echo = Guests.wat(Guests.ECHO);
    if (rig.register(echo, Contracts.forModule("echo", echo)).statusCode() != 201) {
      throw new IllegalStateException("echo did not register");
    }
    String token = rig.agent("bench", "echo");
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    rest = post(token, "/v1/tools/echo/1.0.0/invocations", "{\"input\":" + INPUT + "}").build();
    HttpResponse<String> initialized =
        send(
            post(
                    token,
                    "/mcp",
                    "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                        + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}")
                .build());
    this.token = token;
    this.session = initialized.headers().firstValue("Mcp-Session-Id").orElseThrow();
  }

  @TearDown(Level.Trial)
  public void stop() {
    rig.close();
    redis.close();
    redisData.close();
    directory.close();
  }

  @Benchmark
  public String rest() {
    return send(rest).body();
  }

  /**
   * One {@code tools/call}, under a request id of its own: MCP forbids reusing one in a session,
   * and the chassis refuses an id whose request is still in flight.
   */
  @Benchmark
  public String mcp() {
    return send(post(
                token,
                "/mcp",
                "{\"jsonrpc\":\"2.0\",\"id\":"
                    + nextId.getAndIncrement()
                    + ",\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"echo\",\"arguments\":"
                    + INPUT
                    + "}}")
            .header("Mcp-Session-Id", session)
            .header("MCP-Protocol-Version", "2025-11-25")
            .build())
        .body();
  }

  private HttpRequest.Builder post(String token, String path, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rig.service.port() + path))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(response.statusCode() + " " + response.body());
      }
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
