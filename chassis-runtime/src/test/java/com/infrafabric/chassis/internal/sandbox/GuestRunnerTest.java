package com.infrafabric.chassis.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.internal.module.CompiledModule;
import com.infrafabric.chassis.internal.module.EntryPoint;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.hostapi.contract.ResourceLimits;
import com.infrafabric.llm.Cancellation;
import com.infrafabric.llm.destination.DestinationPattern;
import com.infrafabric.llm.vault.OpenedCredential;
import com.infrafabric.llm.vault.ResponsePolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever escapes while guest code runs is the guest's outcome: exceptions the runtime does not
 * wrap, and allocations the heap cannot make, end as a trap with a plain sentence, never as a
 * failure of the request and never with the exception's name. Tables are capped by the contract:
 * growth past {@code table.maxEntries} is an answer (-1) the guest can act on, never a trap.
 */
@Timeout(30)
class GuestRunnerTest {

  private static final String CALLS_BOOM =
      """
      (module
        (import "env" "boom" (func $boom))
        (func (export "run") (result i32) (call $boom) (i32.const 0)))
      """;
  private static final Watchdog WATCHDOG = new Watchdog(Clock.systemUTC(), Duration.ofMillis(5));
  private static final GuestRunner RUNNER = new GuestRunner(WATCHDOG);

  @AfterAll
  static void stop() {
    WATCHDOG.close();
  }

  static Stream<Supplier<Throwable>> escapes() {
    return Stream.of(
        NegativeArraySizeException::new,
        () -> new ArithmeticException("/ by zero"),
        () -> new ArrayIndexOutOfBoundsException(-1),
        () -> new IllegalStateException("host bug"),
        () -> new OutOfMemoryError("Java heap space"));
  }

  @ParameterizedTest
  @MethodSource("escapes")
  void anExceptionEscapingGuestCodeIsATrapWithAPlainMessage(Supplier<Throwable> escape) {
    RunResult result = run(escape);
    assertThat(result.outcome()).isEqualTo(Outcome.TRAP);
    assertThat(result.message())
        .startsWith("the tool ")
        .doesNotContain("Exception", "Error", "java.", "host bug", "heap space");
  }

  /**
   * {@code run} returns what its second {@code table.grow} answered, for a table declared with
   * {@code entries} under a contract allowing 64, grown first by {@code before}.
   */
  @ParameterizedTest
  @CsvSource({
    "1, 0, 2147483647, -1",
    "0, 0, 2147483647, -1",
    "1, 0, 2147483646, -1",
    "1, 63, 2147483647, -1",
    "1, 0, -2147483648, -1",
    "1, 0, -1, -1",
    "1, 0, 1000000, -1",
    "1, 0, 64, -1",
    "1, 0, 63, 1",
    "1, 62, 1, 63",
    "64, 0, 0, 64"
  })
  void regressionEveryTableGrowthPastTheContractReturnsMinusOneNeverATrap(
      int entries, int before, int delta, int answer) {
    // A delta whose sum with the size overflowed an int (2^31-1 on a one-entry table) made the
    // runtime fail with NegativeArraySizeException: 502 TRAP, where the README promises -1.
    String grow =
        "(module (table %d funcref) (func (export \"run\") (result i32)"
            + " (drop (table.grow (ref.null func) (i32.const %d)))"
            + " (table.grow (ref.null func) (i32.const %d))))";
    RunResult result =
        run(Guests.wat(grow.formatted(entries, before, delta)), ImportValues.builder().build(), 64);
    assertThat(result.outcome()).isEqualTo(Outcome.TOOL_ERROR);
    assertThat(result.message()).isEqualTo("the tool returned status " + answer);
  }

  /**
   * Regression: work a caller abandoned ran to its limits. A spinning guest whose caller went away
   * held its thread and its tenant's admitted place until its deadline; cancelled, it stops at
   * once, as cancelled, not as a limit.
   */
  @Test
  void regressionASpinningGuestWhoseCallerCancelsStopsAtOnceAsCancelled() throws Exception {
    Cancellation cancellation = new Cancellation();
    CountDownLatch linked = new CountDownLatch(1);
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      Future<RunResult> running =
          thread.submit(
              () ->
                  run(
                      Guests.wat(Guests.SPIN),
                      ImportValues.builder().build(),
                      1,
                      cancellation,
                      linked::countDown));
      assertThat(linked.await(5, TimeUnit.SECONDS)).isTrue();
      long start = System.nanoTime();
      cancellation.cancel();
      RunResult result = running.get(5, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      assertThat(result.outcome()).isEqualTo(Outcome.CANCELLED);
      assertThat(result.message())
          .isEqualTo("the caller cancelled the invocation while the tool ran");
    } finally {
      thread.shutdownNow();
    }
  }

  private static RunResult run(Supplier<Throwable> escape) {
    HostFunction boom =
        new HostFunction(
            "env",
            "boom",
            FunctionType.of(List.of(), List.of()),
            (instance, args) -> {
              Throwable thrown = escape.get();
              if (thrown instanceof Error error) {
                throw error;
              }
              throw (RuntimeException) thrown;
            });
    return run(Guests.wat(CALLS_BOOM), ImportValues.builder().addFunction(boom).build(), 1);
  }

  /**
   * Regression (probe): a tool's output was redacted after its watch had ended, so redacting a
   * large output against many guarded secrets (every secret bound to an origin it asked, of every
   * tenant) took seconds of a guest thread past the tool's deadline and CPU time, and was missing
   * from its CPU time. It is the guest's work: stopped by its CPU limit, and the output, not known
   * to be clean, is dropped.
   */
  @Test
  void redactingTheOutputIsTheGuestsWorkAndStopsAtItsCpuLimit() {
    byte[] wasm = Guests.wat("(module (func (export \"run\") (result i32) (i32.const 0)))");
    WasmModule module = Parser.parse(wasm);
    CompiledModule compiled =
        new CompiledModule(
            ModuleDigest.of(new byte[] {2}),
            module,
            MachineFactoryCompiler.builder(module).compile(),
            wasm.length);
    Duration cpuLimit = Duration.ofMillis(50);
    Invocation invocation =
        new Invocation(
            ToolRef.parse("loud@1.0.0"),
            TestChassis.CONTEXT,
            ResourceLimits.builder()
                .timeout(Duration.ofSeconds(20))
                .cpuTime(cpuLimit)
                .memoryMaxPages(1)
                .outputMaxBytes(8 << 20)
                .logMaxBytes(64)
                .hostCallsMax(10)
                .build(),
            new byte[0],
            Optional.empty(),
            new GuestLogs(10, 10, 10, Clock.systemUTC(), new SimpleMeterRegistry()));
    for (int i = 0; i < 60; i++) {
      String secret = "guarded-secret-" + i + "-0123456789abcdefghijklmnopqrstuvwxyz";
      invocation
          .boundary()
          .guard(
              new OpenedCredential(
                  "k" + i,
                  List.of(DestinationPattern.parse("http://127.0.0.1:18290")),
                  "authorization",
                  "Bearer " + secret,
                  secret,
                  new ResponsePolicy.Full()));
    }
    byte[] output = ("\"" + "a".repeat((8 << 20) - 2) + "\"").getBytes(StandardCharsets.UTF_8);
    invocation.writeOutput(output, 0, output.length);

    RunResult result =
        RUNNER.run(
            compiled,
            EntryPoint.ABI,
            invocation,
            ignored -> new LinkedImports(ImportValues.builder().build(), () -> {}),
            Clock.systemUTC().instant().plusSeconds(20),
            new Cancellation());

    assertThat(result.outcome()).isEqualTo(Outcome.CPU_LIMIT);
    assertThat(result.cpuTime()).isGreaterThanOrEqualTo(cpuLimit);
    assertThat(invocation.output()).isEmpty();
  }

  private static RunResult run(byte[] wasm, ImportValues imports, int tableMaxEntries) {
    return run(wasm, imports, tableMaxEntries, new Cancellation(), () -> {});
  }

  /** {@code linking} runs as the guest's imports are linked: the watchdog watches it by then. */
  private static RunResult run(
      byte[] wasm,
      ImportValues imports,
      int tableMaxEntries,
      Cancellation cancellation,
      Runnable linking) {
    WasmModule module = Parser.parse(wasm);
    CompiledModule compiled =
        new CompiledModule(
            ModuleDigest.of(new byte[] {1}),
            module,
            MachineFactoryCompiler.builder(module).compile(),
            wasm.length);
    Invocation invocation =
        new Invocation(
            ToolRef.parse("boom@1.0.0"),
            TestChassis.CONTEXT,
            ResourceLimits.builder()
                .timeout(Duration.ofSeconds(10))
                .cpuTime(Duration.ofSeconds(10))
                .memoryMaxPages(1)
                .tableMaxEntries(tableMaxEntries)
                .outputMaxBytes(64)
                .logMaxBytes(64)
                .hostCallsMax(10)
                .build(),
            new byte[0],
            Optional.empty(),
            new GuestLogs(10, 10, 10, Clock.systemUTC(), new SimpleMeterRegistry()));
    return RUNNER.run(
        compiled,
        EntryPoint.ABI,
        invocation,
        ignored -> {
          linking.run();
          return new LinkedImports(imports, () -> {});
        },
        Clock.systemUTC().instant().plusSeconds(10),
        cancellation);
  }
}
