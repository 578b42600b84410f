package com.infrafabric.chassis.internal.module;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import com.infrafabric.chassis.testing.Guests;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Offsets are computed as the runtime computes them, and only where the module alone fixes them.
 */
class ConstantOffsetsTest {

  private static final WasmModule GLOBALS =
      Parser.parse(
          Guests.wat(
              "(module (import \"env\" \"g\" (global i32))"
                  + " (global i32 (i32.const 7)) (global i32 (global.get 0)))"));

  @Test
  void constantsAreUnsigned32BitOffsets() {
    assertThat(offset(i32(65530))).hasValue(65530);
    assertThat(offset(i32(-1))).hasValue(4294967295L);
  }

  @Test
  void extendedConstantArithmeticWrapsAsI32() {
    assertThat(offset(i32(65530), i32(6), op(OpCode.I32_ADD))).hasValue(65536);
    assertThat(offset(i32(2), i32(3), op(OpCode.I32_SUB))).hasValue(4294967295L);
    assertThat(offset(i32(0x10000), i32(0x10000), op(OpCode.I32_MUL))).hasValue(0);
  }

  @Test
  void aGlobalTheModuleDefinesWithAConstantHasItsValue() {
    assertThat(offset(get(1))).hasValue(7);
    assertThat(offset(get(1), i32(1), op(OpCode.I32_ADD))).hasValue(8);
  }

  @Test
  void anImportedGlobalOrAnythingDerivedFromItIsNotConstant() {
    assertThat(offset(get(0))).isEmpty();
    assertThat(offset(get(2))).isEmpty();
    assertThat(offset(get(0), i32(1), op(OpCode.I32_ADD))).isEmpty();
  }

  @Test
  void expressionsItDoesNotKnowHaveNoValue() {
    assertThat(offset(get(3))).isEmpty();
    assertThat(offset(op(OpCode.I32_ADD))).isEmpty();
    assertThat(offset(i32(1), i32(2))).isEmpty();
    assertThat(offset(new Instruction(-1, OpCode.I64_CONST, new long[] {1}))).isEmpty();
  }

  private static OptionalLong offset(Instruction... expression) {
    return new ConstantOffsets(GLOBALS).of(List.of(expression));
  }

  private static Instruction i32(int value) {
    return new Instruction(-1, OpCode.I32_CONST, new long[] {value});
  }

  private static Instruction get(int global) {
    return new Instruction(-1, OpCode.GLOBAL_GET, new long[] {global});
  }

  private static Instruction op(OpCode opcode) {
    return new Instruction(-1, opcode, Instruction.EMPTY_OPERANDS);
  }
}
