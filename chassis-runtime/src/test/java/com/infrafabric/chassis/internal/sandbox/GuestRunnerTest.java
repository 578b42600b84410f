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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever escapes while guest code runs is the guest's outcome: exceptions the runtime does not
 * wrap, and allocations the heap cannot make, end as a trap with a plain sentence, never as a
 * failure of the request and never with the exception's name.
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
  private static final GuestRunner RUNNER = new GuestRunner(WATCHDOG, Clock.systemUTC());

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

  private static RunResult run(Supplier<Throwable> escape) {
    WasmModule module = Parser.parse(Guests.wat(CALLS_BOOM));
    CompiledModule compiled =
        new CompiledModule(
            ModuleDigest.of(new byte[] {1}),
            module,
            MachineFactoryCompiler.builder(module).compile());
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
    Invocation invocation =
        new Invocation(
            ToolRef.parse("boom@1.0.0"),
            TestChassis.CONTEXT,
            ResourceLimits.builder()
                .timeout(Duration.ofSeconds(10))
                .cpuTime(Duration.ofSeconds(10))
                .memoryMaxPages(1)
                .tableMaxEntries(1)
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
        ignored -> new LinkedImports(ImportValues.builder().addFunction(boom).build(), () -> {}),
        Clock.systemUTC().instant().plusSeconds(10));
  }
}
