package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Host memory a guest makes the host hold on its behalf: every range a host function copies is
 * capped before it is copied, and admission reserves what the host may hold for an invocation, not
 * only its guest pages.
 */
@Timeout(60)
class HostMemoryTest {

  private static final long BUDGET = 96L << 20;

  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config ->
              config
                  .sandbox(SandboxHost.sandbox(2, 8, BUDGET, Duration.ofSeconds(1), 100))
                  .httpCaps(100, Duration.ofSeconds(30), 16 << 20),
          HostResolver.system());

  private static ToolRef wide;

  @BeforeAll
  static void registerTools() {
    wide =
        HOST.register(
                Guests.fixture("wide-ranges.wat"),
                c ->
                    c.limit("memory", "maxPages", 1024)
                        .grant("log")
                        .grantKv(1 << 20, 100)
                        .grantHttp(List.of("https://example.com:443"), 40, 1000, 1024))
            .ref();
  }

  /**
   * Regression: a 64 MiB range handed to {@code http_request} or a kv key was copied (and for a
   * request decoded and parsed) before any size check, 40 times per invocation: 12 to 20 s of wall
   * time and gigabytes of garbage for 5 s of guest CPU. Each is now refused before it is copied.
   */
  @ParameterizedTest
  @CsvSource({"h, -1", "k, -1", "p, -4"})
  void aRangeLongerThanTheFunctionsCapIsRefusedWithItsErrorCode(String op, int status) {
    InvocationResult result = HOST.invoke(wide, "\"" + op + "\"");

    assertThat(result.outcome()).isEqualTo(Outcome.TOOL_ERROR);
    assertThat(result.message()).isEqualTo("the tool returned status " + status);
    assertThat(result.report().duration()).isLessThan(Duration.ofSeconds(3));
  }

  /** Regression: a log message or output range was copied whole before the limit stopped it. */
  @ParameterizedTest
  @CsvSource({"l, LOG_LIMIT", "o, OUTPUT_LIMIT"})
  void aLogOrOutputRangeBeyondWhatIsLeftStopsTheToolBeforeItIsCopied(String op, Outcome outcome) {
    InvocationResult result = HOST.invoke(wide, "\"" + op + "\"");

    assertThat(result.outcome()).isEqualTo(outcome);
    assertThat(result.report().duration()).isLessThan(Duration.ofSeconds(3));
  }

  /** The same for WASI: stdout and stderr iovecs are measured before Chicory copies them. */
  @ParameterizedTest
  @CsvSource({"1, OUTPUT_LIMIT", "2, LOG_LIMIT"})
  void aWasiWriteOfAWideIovecStopsTheToolBeforeItIsCopied(int fd, Outcome outcome) {
    ToolRef writer =
        HOST.register(
                Guests.wat(
                    """
                    (module
                      (import "wasi_snapshot_preview1" "fd_write"
                        (func $fd_write (param i32 i32 i32 i32) (result i32)))
                      (memory (export "memory") 1024)
                      (func (export "_start")
                        (i32.store (i32.const 0) (i32.const 0))
                        (i32.store (i32.const 4) (i32.const 67108864))
                        (drop (call $fd_write (i32.const %d) (i32.const 0) (i32.const 1)
                          (i32.const 8)))))
                    """
                        .formatted(fd)),
                c -> c.limit("memory", "maxPages", 1024).grant("wasi"))
            .ref();

    InvocationResult result = HOST.invoke(writer, "{}");

    assertThat(result.outcome()).isEqualTo(outcome);
  }

  /**
   * Regression: admission reserved only a tool's guest pages, so 16-page tools fetching 8 MB bodies
   * were admitted by the dozen and together ran the host out of heap. A tool whose responses alone
   * could make the host hold more than the budget is refused however small its memory.
   */
  @Test
  void aSmallToolWhoseAnswersCouldExceedTheBudgetIsRefused() {
    ToolRef bigAnswers = echoFetching(16 << 20);
    ToolRef smallAnswers = echoFetching(1024);

    InvocationResult refused = HOST.invoke(bigAnswers, "{}");
    InvocationResult admitted = HOST.invoke(smallAnswers, "{}");

    assertThat(refused.outcome()).isEqualTo(Outcome.REJECTED_OVERLOAD);
    assertThat(refused.message())
        .isEqualTo("the guest memory budget of " + BUDGET + " bytes is fully reserved");
    assertThat(admitted.outcome()).isEqualTo(Outcome.SUCCESS);
  }

  private static ToolRef echoFetching(int maxResponseBytes) {
    return HOST.register(
            Guests.wat(Guests.ECHO),
            c -> c.grantHttp(List.of("https://example.com:443"), 1, 1000, maxResponseBytes))
        .ref();
  }
}
