package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Hostile pointer/length pairs passed to host functions. */
@Timeout(60)
class AbiAbuseTest {

  private static ToolRef abuse;

  @RegisterExtension static final SandboxHost HOST = SandboxHost.create();

  @BeforeAll
  static void registerTools() {
    abuse = HOST.register(Guests.fixture("abi-abuse.wat"), c -> c.grant("log")).ref();
  }

  @Test
  void aRangeThatWrapsAroundTwoToThe32Traps() {
    assertTrap("\"w\"", "infrafabric.output_write: range [4294967280, 4294967312) lies outside");
  }

  @Test
  void aNegativeLengthTraps() {
    assertTrap("\"n\"", "infrafabric.output_write: range [0, 4294967295) lies outside");
  }

  @Test
  void aRangeOneBytePastTheEndOfMemoryTraps() {
    assertTrap("\"e\"", "infrafabric.output_write: range [65536, 65537) lies outside");
  }

  @Test
  void aDestinationBufferRunningPastMemoryTrapsEvenIfTheDataWouldFit() {
    assertTrap("\"b\"", "infrafabric.input_read: range [65530, 65630) lies outside");
  }

  @Test
  void aMessageFarOutsideMemoryTraps() {
    assertTrap("\"m\"", "infrafabric.log: range [2147483647, 4294967294) lies outside");
  }

  @Test
  void aTooSmallBufferGetsAnErrorCodeAndNothingIsCopied() {
    assertStatus("\"s\"", -3);
  }

  /**
   * Regression: a buffer too small for the input was answered -3 before its range was checked, so a
   * range outside memory passed as long as the input did not fit it.
   */
  @Test
  void aTooSmallBufferOutsideMemoryTrapsRatherThanGettingAnErrorCode() {
    assertTrap("\"o\"", "infrafabric.input_read: range [4294967295, 4294967297) lies outside");
  }

  @Test
  void readingAResultThatDoesNotExistGetsAnErrorCode() {
    assertStatus("\"r\"", -10);
  }

  @Test
  void anUnknownLogLevelGetsAnErrorCode() {
    assertStatus("\"l\"", -1);
  }

  private static void assertTrap(String input, String message) {
    InvocationResult result = HOST.invoke(abuse, input);
    assertThat(result.outcome()).isEqualTo(Outcome.TRAP);
    assertThat(result.message()).startsWith(message);
  }

  private static void assertStatus(String input, int status) {
    InvocationResult result = HOST.invoke(abuse, input);
    assertThat(result.outcome()).isEqualTo(Outcome.TOOL_ERROR);
    assertThat(result.message()).isEqualTo("the tool returned status " + status);
  }
}
