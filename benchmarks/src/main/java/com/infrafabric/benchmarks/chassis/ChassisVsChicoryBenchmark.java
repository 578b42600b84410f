package com.infrafabric.benchmarks.chassis;

import com.dylibso.chicory.wabt.Wat2Wasm;
import com.infrafabric.chassis.Chassis;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Contracts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One invocation through {@link Chassis#invoke} (admission, fresh instance with capped memory and
 * tables, capability linking, watchdog, guest thread and back, output validation, metrics) next to
 * bare Chicory instantiate-and-call of the same module. Targets: trivial chassis time at most 1.5
 * times bare; CPU-bound chassis throughput at least 0.95 of bare.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ChassisVsChicory -rf json}; smoke mode
 * for CI: add {@code -wi 1 -w 1 -i 1 -r 1}. Compare {@code trivialChassis} with {@code
 * trivialBareChicoryHandedOff} to see what the sandbox costs beyond the thread hop it must make
 * (guests never run on the caller's thread), and {@code trivialBareChicory} with {@code
 * trivialBareChicoryCappedMemory} to see what Chicory's default memory for a module that declares
 * no maximum costs against the capped memory the chassis gives every instance.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ChassisVsChicoryBenchmark {

  private static final byte[] INPUT =
      "{\"query\":\"weather in Lyon\"}".getBytes(StandardCharsets.UTF_8);
  private static final String INPUT_TEXT = new String(INPUT, StandardCharsets.UTF_8);

  /** The memory pages the test contracts allow ({@code Contracts.forModule}'s default). */
  private static final int CONTRACT_PAGES = 4;

  /**
   * The guest threads' spin in microseconds, or {@code default} for the operator's default: {@code
   * -p guestSpinMicros=0,50 ChassisVsChicoryBenchmark.trivialChassis} compares spins in one run.
   */
  @Param({"default"})
  public String guestSpinMicros;

  private BenchChassis chassis;
  private ToolRef trivial;
  private ToolRef cpu;
  private BareChicory bareTrivial;
  private BareChicory bareTrivialCapped;
  private BareChicory bareCpu;
  private ExecutorService handoff;

  @Setup(Level.Trial)
  public void start() {
    chassis =
        BenchChassis.start(
            guestSpinMicros.equals("default")
                ? Optional.empty()
                : Optional.of(Duration.of(Long.parseLong(guestSpinMicros), ChronoUnit.MICROS)));
    byte[] trivialWasm = guest("trivial.wat");
    byte[] cpuWasm = guest("fib.wat");
    trivial = register(trivialWasm, "trivial", 2_000);
    cpu = register(cpuWasm, "fib", 10_000);
    bareTrivial = BareChicory.withDefaults(trivialWasm);
    bareTrivialCapped = BareChicory.withCappedMemory(trivialWasm, CONTRACT_PAGES);
    handoff = Executors.newSingleThreadExecutor();
    bareCpu = BareChicory.withDefaults(cpuWasm);
    chassis.check(trivial, INPUT_TEXT);
    chassis.check(cpu, INPUT_TEXT);
  }

  @TearDown(Level.Trial)
  public void stop() {
    if (handoff != null) {
      handoff.shutdownNow();
    }
    chassis.close();
  }

  @Benchmark
  public InvocationResult trivialChassis() {
    return invoke(trivial);
  }

  @Benchmark
  public byte[] trivialBareChicory() {
    return bareTrivial.run(INPUT);
  }

  /** Bare Chicory with the memory the chassis gives the instance: the fairest baseline. */
  @Benchmark
  public byte[] trivialBareChicoryCappedMemory() {
    return bareTrivialCapped.run(INPUT);
  }

  /**
   * Bare Chicory behind the same thread hop the chassis makes (submit to a pool thread, wait for
   * the result), to separate the cost of the hop from the cost of the sandbox. The pool is a plain
   * executor whose thread parks between calls; the chassis's guest threads spin for {@code
   * guestSpinMicros} first, so with a spin the chassis's hop costs less than this one.
   */
  @Benchmark
  public byte[] trivialBareChicoryHandedOff() {
    return CompletableFuture.supplyAsync(() -> bareTrivial.run(INPUT), handoff).join();
  }

  @Benchmark
  public InvocationResult cpuChassis() {
    return invoke(cpu);
  }

  @Benchmark
  public byte[] cpuBareChicory() {
    return bareCpu.run(INPUT);
  }

  private InvocationResult invoke(ToolRef tool) {
    return chassis.invoke(tool, INPUT_TEXT);
  }

  private ToolRef register(byte[] wasm, String name, int timeoutMs) {
    return chassis.register(
        wasm,
        Contracts.forModule(name, wasm)
            .limit("timeoutMs", null, timeoutMs)
            .limit("cpuTimeMs", null, timeoutMs)
            .json());
  }

  private static byte[] guest(String name) {
    try (InputStream in = ChassisVsChicoryBenchmark.class.getResourceAsStream("/guests/" + name)) {
      if (in == null) {
        throw new IllegalStateException("guest /guests/" + name + " is missing from the jar");
      }
      return Wat2Wasm.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
