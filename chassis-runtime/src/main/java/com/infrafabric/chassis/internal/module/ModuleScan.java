package com.infrafabric.chassis.internal.module;

import static com.infrafabric.chassis.internal.module.WasmCursor.malformed;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.LimitExceededException;
import com.infrafabric.chassis.MalformedModuleException;
import com.infrafabric.chassis.ModuleCaps;

/**
 * Walks a binary's sections before the full parser sees it, reading every count and size a module
 * declares and checking each against the bytes actually present and against the operator's {@link
 * ModuleCaps}. Chicory's parser allocates from declared counts (a list per declared parameter,
 * local or element, an array per declared data length) before it knows the bytes are there; after
 * this scan no declared count is larger than a cap or than its bytes, so what the parser builds is
 * bounded by the caps. Function bodies are not decoded: only their locals declarations are read.
 * Every function type is also held to the widest signature the compiler can give a JVM method
 * ({@link JvmSignature}).
 *
 * <p>Features the chassis refuses anyway are refused here already when the scan meets them (GC and
 * typed-reference types, SIMD values, shared or 64-bit memory, multiple memories, exception tags),
 * with the same message the full checks give. Not thread-safe; one scan per module.
 */
final class ModuleScan {

  private static final byte[] HEADER = {0, 'a', 's', 'm', 1, 0, 0, 0};
  private static final int LAST_SECTION = 13;

  private final byte[] bytes;
  private final ModuleCaps caps;
  private final WasmCursor in;
  private long codeBytes;
  private long locals;
  private long elements;
  private int customSections;

  private ModuleScan(byte[] bytes, ModuleCaps caps) {
    this.bytes = bytes;
    this.caps = caps;
    this.in = new WasmCursor(bytes, HEADER.length, bytes.length);
  }

  /**
   * Scans {@code bytes} against {@code caps}.
   *
   * @return what the module declares, for the build's memory estimate
   * @throws MalformedModuleException if the framing is broken or a refused feature is declared
   * @throws LimitExceededException if a cap is exceeded
   */
  static ModuleShape scan(byte[] bytes, ModuleCaps caps) {
    if (bytes.length > caps.maxModuleBytes()) {
      throw tooLarge(
          "module is " + bytes.length + " bytes, above the cap of " + caps.maxModuleBytes());
    }
    for (int i = 0; i < HEADER.length; i++) {
      if (i >= bytes.length || bytes[i] != HEADER[i]) {
        throw malformed("module does not start with the WebAssembly 1.0 header");
      }
    }
    return new ModuleScan(bytes, caps).sections();
  }

  private ModuleShape sections() {
    while (!in.atEnd()) {
      int id = in.u8();
      long size = in.u32();
      if (size > in.remaining()) {
        throw malformed("section " + id + " claims " + size + " bytes past the end of the module");
      }
      int end = in.position() + (int) size;
      int outer = in.narrow(end);
      section(id);
      in.widen(end, outer);
    }
    return new ModuleShape(bytes.length, codeBytes, locals, elements);
  }

  private void section(int id) {
    switch (id) {
      case 0 -> count(++customSections, caps.maxCustomSections(), "custom sections");
      case 1 -> types();
      case 2 -> imports();
      case 3 -> functions();
      case 4 -> tables();
      case 5 -> memories();
      case 6 -> globals();
      case 7 -> exports();
      case 8 -> in.u32();
      case 9 -> elementSegments();
      case 10 -> code();
      case 11 -> dataSegments();
      case 12 -> count(in.u32(), caps.maxDataSegments(), "data segments");
      case LAST_SECTION -> throw disabled("exception tags");
      default -> throw malformed("section id " + id + " is not defined");
    }
  }

  private void types() {
    long count = count(in.u32(), caps.maxTypes(), "types");
    for (long i = 0; i < count; i++) {
      int form = in.u8();
      if (form != 0x60) {
        throw form >= 0x4E && form <= 0x5F
            ? disabled("GC struct and array types")
            : malformed("type " + i + " has the unknown form 0x" + Integer.toHexString(form));
      }
      JvmSignature.Arity parameters = valueTypes(arity(i), "parameters");
      JvmSignature.check(i, parameters, valueTypes(arity(i), "results"));
    }
  }

  private long arity(long type) {
    long count = in.u32();
    if (count > caps.maxTypeArity()) {
      throw tooLarge(
          "type "
              + type
              + " declares "
              + count
              + " parameters or results, above the cap of "
              + caps.maxTypeArity());
    }
    return count;
  }

  private JvmSignature.Arity valueTypes(long count, String what) {
    if (count > in.remaining()) {
      throw malformed("a type declares " + count + " " + what + " in fewer bytes");
    }
    long slots = 0;
    for (long i = 0; i < count; i++) {
      slots += JvmSignature.slots(valueType());
    }
    return new JvmSignature.Arity(count, slots);
  }

  /**
   * Number and reference types of the features the chassis enables; anything else is refused.
   *
   * @return the type's binary code
   */
  private int valueType() {
    int type = in.u8();
    switch (type) {
      case 0x7F, 0x7E, 0x7D, 0x7C, 0x70, 0x6F -> {
        return type;
      }
      case 0x7B -> throw disabled("SIMD (v128 values)");
      case 0x63, 0x64 -> throw disabled("typed function references");
      default -> {
        if (type >= 0x65 && type <= 0x74) {
          throw disabled("GC reference types");
        }
        throw malformed("value type 0x" + Integer.toHexString(type) + " is not defined");
      }
    }
  }

  private void imports() {
    long count = count(in.u32(), caps.maxImports(), "imports");
    for (long i = 0; i < count; i++) {
      in.skipName();
      in.skipName();
      int kind = in.u8();
      switch (kind) {
        case 0 -> in.u32();
        case 1 -> {
          valueType();
          limits("table");
        }
        case 2 -> limits("memory");
        case 3 -> {
          valueType();
          in.u8();
        }
        case 4 -> throw disabled("exception tags");
        default -> throw malformed("import " + i + " has the unknown kind " + kind);
      }
    }
  }

  private void tables() {
    long count = count(in.u32(), caps.maxTables(), "tables");
    for (long i = 0; i < count; i++) {
      if (in.peek() == 0x40) {
        throw disabled("table initializer expressions (typed function references)");
      }
      valueType();
      limits("table");
    }
  }

  private void memories() {
    long count = in.u32();
    if (count > 1) {
      throw disabled("multiple memories");
    }
    for (long i = 0; i < count; i++) {
      limits("memory");
    }
  }

  private void limits(String what) {
    int flags = in.u8();
    switch (flags) {
      case 0 -> in.u32();
      case 1 -> {
        in.u32();
        in.u32();
      }
      case 2, 3 -> throw disabled("shared memory (threads)");
      default ->
          throw flags <= 7
              ? disabled("64-bit memory")
              : malformed(what + " limits have the unknown flags " + flags);
    }
  }

  private void globals() {
    long count = count(in.u32(), caps.maxGlobals(), "globals");
    for (long i = 0; i < count; i++) {
      valueType();
      in.u8();
      constantExpression();
    }
  }

  private void exports() {
    long count = count(in.u32(), caps.maxExports(), "exports");
    for (long i = 0; i < count; i++) {
      in.skipName();
      in.u8();
      in.u32();
    }
  }

  private void elementSegments() {
    long count = count(in.u32(), caps.maxElementSegments(), "element segments");
    for (long i = 0; i < count; i++) {
      long flags = in.u32();
      if (flags > 7) {
        throw malformed("element segment " + i + " has the unknown flags " + flags);
      }
      boolean expressions = (flags & 4) != 0;
      if (flags == 2 || flags == 6) {
        in.u32();
      }
      if ((flags & 1) == 0) {
        constantExpression();
      }
      if (flags != 0 && flags != 4) {
        if (expressions) {
          valueType();
        } else {
          in.u8();
        }
      }
      initializers(expressions);
    }
  }

  private void initializers(boolean expressions) {
    long count = in.u32();
    elements = total(elements + count, caps.maxElements(), "element initializers");
    for (long i = 0; i < count; i++) {
      if (expressions) {
        constantExpression();
      } else {
        in.u32();
      }
    }
  }

  /**
   * A constant expression up to its {@code end}: the instructions constant expressions may hold
   * with the enabled features (consts, {@code global.get}, {@code ref.null}, {@code ref.func} and
   * extended-const arithmetic).
   */
  private void constantExpression() {
    while (true) {
      int opcode = in.u8();
      switch (opcode) {
        case 0x0B -> {
          return;
        }
        case 0x41 -> in.skipLeb(5);
        case 0x42 -> in.skipLeb(10);
        case 0x43 -> in.skip(4);
        case 0x44 -> in.skip(8);
        case 0x23, 0xD2 -> in.u32();
        case 0xD0 -> valueType();
        case 0x6A, 0x6B, 0x6C, 0x7C, 0x7D, 0x7E -> {}
        case 0xFD -> throw disabled("SIMD (v128 values)");
        case 0xFB -> throw disabled("GC struct and array types");
        default ->
            throw malformed(
                "a constant expression holds the opcode 0x" + Integer.toHexString(opcode));
      }
    }
  }

  /** The count of the function section and of the code section: functions the module defines. */
  private long functions() {
    long count = in.u32();
    if (count > caps.maxFunctions()) {
      throw tooLarge(
          "module defines " + count + " functions, above the cap of " + caps.maxFunctions());
    }
    return count;
  }

  private void code() {
    long count = functions();
    for (long i = 0; i < count; i++) {
      long size = in.u32();
      if (size > in.remaining()) {
        throw malformed("function body " + i + " runs past the end of the code section");
      }
      if (size > caps.maxFunctionBodyBytes()) {
        throw tooLarge(
            "function body "
                + i
                + " is "
                + size
                + " bytes, above the cap of "
                + caps.maxFunctionBodyBytes());
      }
      int end = in.position() + (int) size;
      int outer = in.narrow(end);
      locals(i);
      in.widen(end, outer);
      codeBytes += size;
    }
  }

  private void locals(long body) {
    long groups = in.u32();
    long declared = 0;
    for (long g = 0; g < groups; g++) {
      declared += in.u32();
      valueType();
      if (declared > caps.maxLocalsPerFunction()) {
        throw tooLarge(
            "function body "
                + body
                + " declares "
                + declared
                + " locals or more, above the cap of "
                + caps.maxLocalsPerFunction()
                + " per function");
      }
    }
    locals = total(locals + declared, caps.maxLocals(), "locals in its function bodies");
  }

  private void dataSegments() {
    long count = count(in.u32(), caps.maxDataSegments(), "data segments");
    for (long i = 0; i < count; i++) {
      long mode = in.u32();
      if (mode == 2) {
        in.u32();
      }
      if (mode == 0 || mode == 2) {
        constantExpression();
      } else if (mode != 1) {
        throw malformed("data segment " + i + " has the unknown mode " + mode);
      }
      in.skip(in.u32());
    }
  }

  /** {@code total}, a sum so far of what all sections declare, if it is within {@code cap}. */
  private static long total(long total, long cap, String what) {
    if (total > cap) {
      throw tooLarge("module declares " + total + " or more " + what + ", above the cap of " + cap);
    }
    return total;
  }

  /** {@code count} if it is within {@code cap}. */
  private static long count(long count, long cap, String what) {
    if (count > cap) {
      throw tooLarge("module declares " + count + " " + what + ", above the cap of " + cap);
    }
    return count;
  }

  private static LimitExceededException tooLarge(String message) {
    return new LimitExceededException(ErrorCode.MODULE_TOO_LARGE, message);
  }

  private static MalformedModuleException disabled(String feature) {
    return FeaturePolicy.disabled(feature);
  }
}
