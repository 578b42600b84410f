package com.infrafabric.governor.budget;

import com.infrafabric.benchmarks.BenchmarkRedis;
import io.vertx.redis.client.Response;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The charge path: reserve + commit of one LLM call through {@link BudgetEngine}, next to the same
 * two Lua functions called raw ({@code FCALL}) through the same client ({@link ChargePathFixture}).
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class ChargePathBenchmark {

  private ChargePathFixture charge;

  @Setup(Level.Trial)
  public void startRedis() {
    charge = new ChargePathFixture();
  }

  @Setup(Level.Iteration)
  public void freshBudgets() {
    charge.freshBudgets();
  }

  @TearDown(Level.Trial)
  public void stopRedis() {
    charge.close();
  }

  @Benchmark
  @Threads(1)
  public CommitResult engineReserveCommit1Thread() {
    return BenchmarkRedis.await(charge.engineReserveCommit());
  }

  @Benchmark
  @Threads(16)
  public CommitResult engineReserveCommit16Threads() {
    return BenchmarkRedis.await(charge.engineReserveCommit());
  }

  @Benchmark
  @Threads(1)
  public Response rawEvalsha1Thread() {
    return BenchmarkRedis.await(charge.rawReserveCommit());
  }

  @Benchmark
  @Threads(16)
  public Response rawEvalsha16Threads() {
    return BenchmarkRedis.await(charge.rawReserveCommit());
  }
}
