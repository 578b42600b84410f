package com.infrafabric.chassis.internal.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.chassis.ChassisException;
import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.LimitExceededException;
import com.infrafabric.chassis.MalformedModuleException;
import com.infrafabric.chassis.ModuleCaps;
import com.infrafabric.chassis.UnlinkableModuleException;
import com.infrafabric.chassis.publish.ContractJson;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.WasmBinary;
import com.infrafabric.hostapi.abi.HostFunction;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ModuleValidatorTest {

  private static final ModuleValidator VALIDATOR =
      new ModuleValidator(
          ModuleCaps.builder()
              .maxModuleBytes(4096)
              .maxFunctions(8)
              .maxFunctionBodyBytes(200)
              .compileTimeout(Duration.ofSeconds(5))
              .compiledCacheSize(4)
              .build());

  @Test
  void acceptsTheEchoToolAndRecordsItsImportsAndEntryPoint() {
    ValidatedModule module = validate(Guests.ECHO, c -> c);
    assertThat(module.entryPoint()).isEqualTo(EntryPoint.ABI);
    assertThat(module.hostImports())
        .containsExactlyInAnyOrder(
            HostFunction.INPUT_SIZE, HostFunction.INPUT_READ, HostFunction.OUTPUT_WRITE);
  }

  @Test
  void refusesAnImportWhoseCapabilityIsNotGranted() {
    assertThatThrownBy(() -> validate(Guests.ECHO, Contracts::withoutCapabilities))
        .isInstanceOf(UnlinkableModuleException.class)
        .hasMessage(
            "import infrafabric.input_size needs capability io, which the contract does not grant");
  }

  @Test
  void refusesAnImportWithAnotherSignature() {
    String wat =
        "(module (import \"infrafabric\" \"input_size\" (func (param i32) (result i32)))"
            + " (memory (export \"memory\") 1)"
            + " (func (export \"run\") (result i32) i32.const 0))";
    assertThatThrownBy(() -> validate(wat, c -> c))
        .hasMessage(
            "import infrafabric.input_size has type (i32) -> (i32) but the ABI defines () -> (i32)");
  }

  @Test
  @Timeout(60)
  void regressionTheProbesMillionTargetBrTableIsRefusedBeforeCompilingNotAfterMinutes() {
    // 1,000,064 bytes, under every size cap: compiling it kept the build thread for 4.5 minutes.
    byte[] probe = WasmBinary.brTable(1_000_000);
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                new ModuleValidator(ModuleCaps.defaults()).validate(probe, contract(probe, c -> c)))
        .isInstanceOfSatisfying(
            LimitExceededException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MODULE_TOO_LARGE))
        .hasMessage(
            "function body 0 branches to 1000001 labels or more, above the cap of 16384 per"
                + " function");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void refusesBranchesOverTheModuleCapSummedOverItsFunctions() {
    String branchy = "(func (block (br_table " + "0 ".repeat(60) + "(i32.const 0))))";
    String wat =
        "(module " + branchy + branchy + " (func (export \"run\") (result i32) i32.const 0))";
    ModuleValidator validator =
        new ModuleValidator(
            ModuleCaps.builder().maxBranchTargetsPerFunction(60).maxBranchTargets(100).build());
    byte[] bytes = Guests.wat(wat);
    assertThatThrownBy(() -> validator.validate(bytes, contract(bytes, c -> c)))
        .isInstanceOf(LimitExceededException.class)
        .hasMessage("module branches to 120 labels or more, above the cap of 100");
  }

  @Test
  void refusesTooManyFunctionsAndTooLargeBodiesBeforeParsing() {
    StringBuilder many = new StringBuilder("(module");
    for (int i = 0; i < 9; i++) {
      many.append(" (func)");
    }
    many.append(" (func (export \"run\") (result i32) i32.const 0))");
    assertThatThrownBy(() -> validate(many.toString(), c -> c))
        .isInstanceOf(LimitExceededException.class)
        .hasMessage("module defines 10 functions, above the cap of 8");
    String big =
        "(module (func (export \"run\") (result i32) "
            + "i32.const 1 drop ".repeat(100)
            + "i32.const 0))";
    assertThatThrownBy(() -> validate(big, c -> c))
        .hasMessage("function body 0 is 304 bytes, above the cap of 200");
  }

  @Test
  void regressionAnExportNamingAMissingFunctionIsMalformedNotAServerError() {
    // Found by ModulePublishFuzzTest: Chicory's parser let it through, and reading its type
    // threw IndexOutOfBoundsException.
    byte[] module =
        WasmBinary.module()
            .oneRunFunction()
            .section(7, WasmBinary.bytes().u32(1).name("run").raw(0).u32(39))
            .oneBody(WasmBinary.bytes().u32(0))
            .build();
    assertThatThrownBy(() -> VALIDATOR.validate(module, contract(module, c -> c)))
        .isInstanceOf(MalformedModuleException.class)
        .hasMessageEndingWith("names function 39, which does not exist");
  }

  @Test
  void refusesBytesThatAreNotAModule() {
    assertThatThrownBy(
            () -> VALIDATOR.validate(new byte[] {1, 2, 3}, contract(new byte[] {1}, c -> c)))
        .isInstanceOf(MalformedModuleException.class)
        .hasMessage("module does not start with the WebAssembly 1.0 header");
  }

  @Test
  void refusesAModuleWithoutAnEntryPoint() {
    assertThatThrownBy(() -> validate("(module)", c -> c))
        .hasMessage("module exports neither run: () -> i32 nor _start: () -> ()");
  }

  @Test
  void regressionADataSegmentPastTheInitialMemoryIsRefusedAtPublishNotTrappedAtEveryCall() {
    // Published 201, then every invocation answered 502 TRAP "out of bounds memory access".
    assertNeverStarts(
        "(module (memory (export \"memory\") 1) (data (i32.const 65530) \"0123456789\")"
            + " (func (export \"run\") (result i32) (i32.const 0)))",
        "data segment 0 fills bytes 65530 to 65540, past the initial memory of 65536 bytes"
            + " (1 page): the module could never start");
  }

  @Test
  void aDataSegmentAtANegativeOffsetOrPastAMissingMemoryIsRefused() {
    assertNeverStarts(
        "(module (memory 2) (data (i32.const -1) \"x\") (func (export \"run\") (result i32)"
            + " (i32.const 0)))",
        "data segment 0 fills bytes 4294967295 to 4294967296, past the initial memory of 131072"
            + " bytes (2 pages): the module could never start");
    assertNeverStarts(
        "(module (memory 0) (data (i32.const 0) \"ok\") (data (i32.const 0) \"x\")"
            + " (func (export \"run\") (result i32) (i32.const 0)))",
        "data segment 0 fills bytes 0 to 2, past the initial memory of 0 bytes (0 pages): the"
            + " module could never start");
  }

  @Test
  void anElementSegmentPastTheTablesInitialSizeIsRefused() {
    assertNeverStarts(
        "(module (table 2 funcref) (func $f) (elem (i32.const 0) $f) (elem (i32.const 1) $f $f)"
            + " (func (export \"run\") (result i32) (i32.const 0)))",
        "element segment 1 fills entries 1 to 3 of table 0, past its initial size of 2 entries:"
            + " the module could never start");
  }

  @Test
  void segmentsThatFitUpToTheLastByteOrEntryArePublished() {
    validate(
        "(module (memory 1) (data (i32.const 65526) \"0123456789\") (data (i32.const 65536) \"\")"
            + " (data \"passive segments are copied only when the tool asks\")"
            + " (table 2 funcref) (func $f) (elem (i32.const 0) $f $f) (elem (i32.const 2))"
            + " (func (export \"run\") (result i32) (i32.const 0)))",
        c -> c);
  }

  private static void assertNeverStarts(String wat, String message) {
    assertThatThrownBy(() -> validate(wat, c -> c))
        .isInstanceOf(UnlinkableModuleException.class)
        .hasMessage(message)
        .extracting(e -> ((ChassisException) e).code())
        .isEqualTo(ErrorCode.MODULE_NOT_INSTANTIABLE);
  }

  private static ValidatedModule validate(String wat, UnaryOperator<Contracts> contract) {
    byte[] bytes = Guests.wat(wat);
    return VALIDATOR.validate(bytes, contract(bytes, contract));
  }

  private static com.infrafabric.hostapi.contract.ServiceContract contract(
      byte[] bytes, UnaryOperator<Contracts> contract) {
    return ContractJson.parse(contract.apply(Contracts.forModule("t", bytes)).json());
  }
}
