package com.infrafabric.chassis.internal.module;

import static java.util.Collections.nCopies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.wasm.Parser;
import com.infrafabric.chassis.ChassisException;
import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.hostapi.contract.ModuleDigest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Whatever the compiler throws for a module is that module's failure to compile, never the host's;
 * and the widest types {@link JvmSignature} lets through do compile, directly and indirectly
 * called. The modules here skip the scan, which would refuse the wide ones first.
 */
@Timeout(60)
class ModuleCompilerTest {

  @Test
  void regressionAnIllegalArgumentFromTheCompilerIsNotCompilable() {
    // 128 i64 results take 256 slots in the method Chicory packs them with: its MethodType threw
    // IllegalArgumentException, which the build passed on and the API answered 500 INTERNAL.
    assertNotCompilable(
        Guests.calling(List.of(), nCopies(128, "i64")),
        "module cannot be compiled: bad parameter count 256");
  }

  @Test
  void aClassTheVerifierRejectsIsNotCompilable() {
    // Past 253 slots Chicory boxes parameters into a long[], which its indirect calls get wrong.
    assertNotCompilable(
        Guests.calling(nCopies(254, "i32"), List.of()),
        "module cannot be compiled: Bad type on operand stack");
  }

  @Test
  void theWidestTypesTheScanAllowsCompile() {
    int parameters = JvmSignature.MAX_PARAMETER_SLOTS;
    int results = JvmSignature.MAX_RESULT_SLOTS;
    assertThat(compile(Guests.calling(nCopies(parameters, "i32"), nCopies(results, "f32"))))
        .isNotNull();
    assertThat(compile(Guests.calling(nCopies(parameters / 2, "f64"), nCopies(results / 2, "i64"))))
        .isNotNull();
  }

  private static void assertNotCompilable(byte[] module, String message) {
    assertThatThrownBy(() -> compile(module))
        .isInstanceOfSatisfying(
            ChassisException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MODULE_NOT_COMPILABLE))
        .hasMessage(message);
  }

  private static CompiledModule compile(byte[] bytes) {
    return ModuleCompiler.compile(
        new ValidatedModule(
            Parser.parse(bytes), ModuleDigest.of(bytes), EntryPoint.ABI, Set.of(), Set.of()));
  }
}
