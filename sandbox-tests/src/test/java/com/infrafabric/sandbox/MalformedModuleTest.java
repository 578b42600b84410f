package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.chassis.ChassisException;
import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.ModuleCaps;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.http.ChassisStatus;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.WasmBinary;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Broken, lying, oversized and feature-smuggling modules. */
@Timeout(60)
class MalformedModuleTest {

  private static final String RUN = "(func (export \"run\") (result i32) i32.const 0)";

  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config ->
              config.moduleCaps(
                  ModuleCaps.builder()
                      .maxModuleBytes(64 << 10)
                      .maxFunctions(200)
                      .maxFunctionBodyBytes(16 << 10)
                      .compiledCacheSize(16)
                      .build()),
          HostResolver.system());

  @Test
  void bytesThatAreNotWebAssemblyAreRefused() {
    assertRefused(
        "this is not wasm".getBytes(),
        ErrorCode.MALFORMED_MODULE,
        "module does not start with the WebAssembly 1.0 header");
  }

  @Test
  void aSectionClaimingMoreBytesThanExistIsRefused() {
    byte[] lying = {0, 'a', 's', 'm', 1, 0, 0, 0, 1, (byte) 0xFF, (byte) 0xFF, 0x03, 0};
    assertRefused(
        lying,
        ErrorCode.MALFORMED_MODULE,
        "section 1 claims 65535 bytes past the end of the module");
  }

  @Test
  void aCodeSectionDeclaringBillionsOfFunctionsIsRefusedBeforeParsing() {
    byte[] lying = {
      0, 'a', 's', 'm', 1, 0, 0, 0, 10, 5, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F
    };
    assertRefused(
        lying,
        ErrorCode.MODULE_TOO_LARGE,
        "module defines 4294967295 functions, above the cap of 200");
  }

  @Test
  void regressionFourKilobytesDeclaringFiftyMillionLocalsAreRefusedAtOnceNamingTheCap() {
    byte[] bomb =
        WasmBinary.module()
            .oneRunFunction()
            .exportRun()
            .oneBody(WasmBinary.bytes().vector(1000, WasmBinary.bytes().u32(50_000).raw(0x7F)))
            .build();
    long start = System.nanoTime();
    assertRefused(
        bomb,
        ErrorCode.MODULE_TOO_LARGE,
        "function body 0 declares 100000 locals or more, above the cap of 50000 per function");
    assertThat(ChassisStatus.of(ErrorCode.MODULE_TOO_LARGE)).isEqualTo(413);
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
        .isLessThan(java.time.Duration.ofSeconds(2));
  }

  @Test
  void aTruncatedModuleIsRefused() {
    byte[] echo = Guests.wat(Guests.ECHO);
    assertThatThrownBy(() -> HOST.register(Arrays.copyOf(echo, echo.length - 3), c -> c))
        .isInstanceOfSatisfying(
            ChassisException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_MODULE));
  }

  @Test
  void aModuleAboveTheSizeCapIsRefused() {
    byte[] big = Arrays.copyOf(Guests.wat(Guests.ECHO), 70_000);
    assertRefused(big, ErrorCode.MODULE_TOO_LARGE, "module is 70000 bytes, above the cap of 65536");
  }

  @Test
  void sharedMemoryFromTheThreadsProposalIsRefused() {
    // Assembled by hand: the WAT compiler used in tests does not enable the threads proposal.
    byte[] shared = {0, 'a', 's', 'm', 1, 0, 0, 0, 5, 4, 1, 3, 1, 1};
    assertRefused(
        shared,
        ErrorCode.MALFORMED_MODULE,
        "module uses a disabled feature: shared memory (threads)");
  }

  @Test
  void tailCallsAreRefused() {
    // (func (result i32) (return_call 0)), assembled by hand for the same reason.
    byte[] tailCall = {
      0, 'a', 's', 'm', 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7F, 3, 2, 1, 0, 10, 6, 1, 4, 0, 0x12, 0,
      0x0B
    };
    assertRefused(
        tailCall,
        ErrorCode.MALFORMED_MODULE,
        "module uses a disabled feature: instruction RETURN_CALL (in function body 0)");
  }

  @Test
  void aStartFunctionThatTrapsFailsTheInvocationNotTheHost() {
    ToolRef trapping =
        HOST.register(
                Guests.wat("(module (func $boom unreachable) (start $boom) " + RUN + ")"), c -> c)
            .ref();
    assertThat(HOST.invoke(trapping, "{}").outcome()).isEqualTo(Outcome.TRAP);
  }

  /**
   * A data segment past the initial memory could never be written: the module could never start. It
   * was published and then trapped on every invocation; it is refused at publish.
   */
  @Test
  void aDataSegmentOutsideMemoryIsRefusedAtPublishNotAtEveryInvocation() {
    assertRefused(
        Guests.wat("(module (memory 1) (data (i32.const 65535) \"xyz\") " + RUN + ")"),
        ErrorCode.MODULE_NOT_INSTANTIABLE,
        "data segment 0 fills bytes 65535 to 65538, past the initial memory of 65536 bytes (1"
            + " page): the module could never start");
  }

  private static void assertRefused(byte[] module, ErrorCode code, String message) {
    assertThatThrownBy(() -> HOST.register(module, c -> c))
        .isInstanceOfSatisfying(ChassisException.class, e -> assertThat(e.code()).isEqualTo(code))
        .hasMessage(message);
  }
}
