package com.infrafabric.chassis.internal.module;

import static com.infrafabric.chassis.testing.WasmBinary.bytes;
import static com.infrafabric.chassis.testing.WasmBinary.module;
import static java.util.Collections.nCopies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.wasm.Parser;
import com.infrafabric.chassis.ChassisException;
import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.ModuleCaps;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.WasmBinary;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every count a small module can declare to make the parser allocate is refused before parsing,
 * naming its cap; and modules using what the chassis enables pass the scan unchanged.
 */
@Timeout(30)
class ModuleScanTest {

  private static final ModuleCaps CAPS = ModuleCaps.defaults();

  @Test
  void regressionFiftyMillionLocalsInFourKilobytesAreRefusedAtOnce() {
    // 1000 groups of 50,000 i32 locals: each group is 4 bytes, each is below Chicory's own
    // per-group check, and together they drove its parser to OutOfMemoryError after 18 s.
    WasmBinary locals = bytes().vector(1000, bytes().u32(50_000).raw(0x7F));
    byte[] bomb = module().oneRunFunction().exportRun().oneBody(locals).build();
    assertThat(bomb.length).isLessThan(4100);
    long start = System.nanoTime();
    assertRefused(
        bomb,
        ErrorCode.MODULE_TOO_LARGE,
        "function body 0 declares 100000 locals or more, above the cap of 50000 per function");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void localsAcrossFunctionsAreBoundedTogether() {
    ModuleCaps caps = CAPS.toBuilder().maxLocals(100).build();
    WasmBinary body = bytes().u32(1).u32(60).raw(0x7F).raw(0x41, 0, 0x0B);
    byte[] module =
        module()
            .section(1, bytes().u32(1).raw(0x60, 0, 1, 0x7F))
            .section(3, bytes().u32(2).u32(0).u32(0))
            .section(
                10,
                bytes()
                    .u32(2)
                    .u32(body.build().length)
                    .raw(body.build())
                    .u32(body.build().length)
                    .raw(body.build()))
            .build();
    assertThatThrownBy(() -> ModuleScan.scan(module, caps))
        .hasMessage(
            "module declares 120 or more locals in its function bodies, above the cap of 100");
  }

  @Test
  void aTypeDeclaringBillionsOfParametersIsRefused() {
    byte[] module = module().section(1, bytes().u32(1).raw(0x60).u32(0x7FFF_FFFFL)).build();
    assertRefused(
        module,
        ErrorCode.MODULE_TOO_LARGE,
        "type 0 declares 2147483647 parameters or results, above the cap of 1000");
  }

  @Test
  void regressionTypesWiderThanAJvmMethodAreNotCompilableBeforeParsing() {
    // 128 i64 results passed every cap, then made the compiler throw: 500 INTERNAL from the API.
    assertRefused(
        Guests.calling(List.of(), nCopies(128, "i64")),
        ErrorCode.MODULE_NOT_COMPILABLE,
        "type 0 declares 128 results taking 256 JVM slots (i64 and f64 take two), above the 255"
            + " a compiled function can return");
    assertRefused(
        Guests.calling(types(200, 28), List.of()),
        ErrorCode.MODULE_NOT_COMPILABLE,
        "type 0 declares 228 parameters taking 256 JVM slots (i64 and f64 take two), above the 251"
            + " a compiled function can take");
    assertRefused(
        Guests.calling(nCopies(255, "i32"), List.of()),
        ErrorCode.MODULE_NOT_COMPILABLE,
        "type 0 declares 255 parameters taking 255 JVM slots (i64 and f64 take two), above the 251"
            + " a compiled function can take");
  }

  @Test
  void typesAsWideAsAJvmMethodTakesPassTheScan() {
    assertThat(ModuleScan.scan(Guests.calling(types(249, 1), types(253, 1)), CAPS)).isNotNull();
    assertThat(ModuleScan.scan(Guests.calling(List.of(), nCopies(127, "f64")), CAPS)).isNotNull();
  }

  @Test
  void parametersMustBePresentNotOnlyDeclared() {
    byte[] module = module().section(1, bytes().u32(1).raw(0x60).u32(900)).build();
    assertRefused(
        module, ErrorCode.MALFORMED_MODULE, "a type declares 900 parameters in fewer bytes");
  }

  @Test
  void aDataSegmentLongerThanTheModuleIsRefusedBeforeAnyArrayIsMade() {
    // Chicory allocates the segment's declared length before checking the bytes are there.
    byte[] module = module().section(11, bytes().u32(1).u32(1).u32(0x7FFF_FFF0L)).build();
    assertRefused(
        module, ErrorCode.MALFORMED_MODULE, "module declares 2147483632 bytes where 0 remain");
  }

  @Test
  void everyDeclaredCountHasACap() {
    assertCapped(1, ErrorCode.MODULE_TOO_LARGE, "types", 10_000);
    assertCapped(2, ErrorCode.MODULE_TOO_LARGE, "imports", 1_000);
    assertCapped(4, ErrorCode.MODULE_TOO_LARGE, "tables", 16);
    assertCapped(6, ErrorCode.MODULE_TOO_LARGE, "globals", 10_000);
    assertCapped(7, ErrorCode.MODULE_TOO_LARGE, "exports", 10_000);
    assertCapped(9, ErrorCode.MODULE_TOO_LARGE, "element segments", 10_000);
    assertCapped(11, ErrorCode.MODULE_TOO_LARGE, "data segments", 10_000);
    assertCapped(12, ErrorCode.MODULE_TOO_LARGE, "data segments", 10_000);
  }

  @Test
  void elementInitializersAreBoundedAcrossSegments() {
    ModuleCaps caps = CAPS.toBuilder().maxElements(10).build();
    WasmBinary passive = bytes().u32(1).raw(0).vector(6, bytes().u32(0));
    byte[] module = module().section(9, bytes().vector(2, passive)).build();
    assertThatThrownBy(() -> ModuleScan.scan(module, caps))
        .hasMessage("module declares 12 or more element initializers, above the cap of 10");
  }

  @Test
  void customSectionsAreCounted() {
    ModuleCaps caps = CAPS.toBuilder().maxCustomSections(2).build();
    WasmBinary module = module();
    for (int i = 0; i < 3; i++) {
      module.section(0, bytes().name("x"));
    }
    assertThatThrownBy(() -> ModuleScan.scan(module.build(), caps))
        .hasMessage("module declares 3 custom sections, above the cap of 2");
  }

  @Test
  void refusedFeaturesAreRefusedByTheScanWithTheFeaturePolicysWords() {
    assertDisabled(module().section(1, bytes().u32(1).raw(0x5F, 0)), "GC struct and array types");
    assertDisabled(module().section(5, bytes().u32(2).raw(0, 1, 0, 1)), "multiple memories");
    assertDisabled(module().section(5, bytes().u32(1).raw(3, 1, 1)), "shared memory (threads)");
    assertDisabled(module().section(5, bytes().u32(1).raw(4, 1)), "64-bit memory");
    assertDisabled(module().section(13, bytes().u32(0)), "exception tags");
    assertDisabled(module().section(1, bytes().u32(1).raw(0x60, 1, 0x7B, 0)), "SIMD (v128 values)");
    assertDisabled(
        module().section(1, bytes().u32(1).raw(0x60, 1, 0x64, 0, 0)), "typed function references");
  }

  @Test
  void modulesUsingEnabledFeaturesPassTheScanAndParse() {
    String wat =
        """
        (module
          (type $t (func (param i32 i64 f32 f64) (result i32)))
          (import "infrafabric" "log" (func $log (param i32 i32 i32) (result i32)))
          (memory (export "memory") 1 2)
          (table $a 4 funcref)
          (table $b 2 externref)
          (global $g (mut i32) (i32.const 7))
          (global $r funcref (ref.func $f))
          (global $n externref (ref.null extern))
          (func $f (type $t) (local i32 i64) (local f32) (i32.const 0))
          (func (export "run") (result i32) (local funcref externref)
            (table.size $a) drop
            (memory.init $passive (i32.const 0) (i32.const 0) (i32.const 1))
            (data.drop $passive)
            (global.get $g))
          (elem (i32.const 0) $f)
          (elem $p funcref (ref.func $f) (ref.null func))
          (elem declare func $f)
          (elem (table $a) (i32.const 1) func $f $f)
          (data (i32.const 0) "hello")
          (data $passive "world"))
        """;
    byte[] module = Guests.wat(wat);
    ModuleShape shape = ModuleScan.scan(module, CAPS);
    assertThat(shape.locals()).isEqualTo(5);
    assertThat(shape.elements()).isEqualTo(6);
    assertThat(Parser.parse(module)).isNotNull();
    assertThat(ModuleScan.scan(Guests.fixture("examples/c/word_count.wasm"), CAPS).codeBytes())
        .isPositive();
  }

  @Test
  void theBuildEstimateGrowsWithWhatTheModuleDeclares() {
    ModuleShape none = ModuleScan.scan(withLocals(0), CAPS);
    ModuleShape many = ModuleScan.scan(withLocals(40_000), CAPS);
    assertThat(many.estimatedBuildBytes() - none.estimatedBuildBytes())
        .isGreaterThanOrEqualTo(40_000 * ModuleShape.LOCAL);
  }

  /** {@code i32s} i32 then {@code i64s} i64. */
  private static List<String> types(int i32s, int i64s) {
    return Stream.concat(nCopies(i32s, "i32").stream(), nCopies(i64s, "i64").stream()).toList();
  }

  private static byte[] withLocals(int count) {
    return module()
        .oneRunFunction()
        .exportRun()
        .oneBody(bytes().u32(1).u32(count).raw(0x7F))
        .build();
  }

  private static void assertCapped(int section, ErrorCode code, String what, long cap) {
    byte[] module = module().section(section, bytes().u32(cap + 1)).build();
    assertRefused(
        module, code, "module declares " + (cap + 1) + " " + what + ", above the cap of " + cap);
  }

  private static void assertDisabled(WasmBinary module, String feature) {
    assertRefused(
        module.build(), ErrorCode.MALFORMED_MODULE, "module uses a disabled feature: " + feature);
  }

  private static void assertRefused(byte[] module, ErrorCode code, String message) {
    assertThatThrownBy(() -> ModuleScan.scan(module, CAPS))
        .isInstanceOfSatisfying(ChassisException.class, e -> assertThat(e.code()).isEqualTo(code))
        .hasMessage(message);
  }
}
