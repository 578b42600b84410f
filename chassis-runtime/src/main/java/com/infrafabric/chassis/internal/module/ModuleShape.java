package com.infrafabric.chassis.internal.module;

/**
 * What a module declares, as {@link ModuleScan} read it: the inputs of the estimate of what
 * building it takes.
 *
 * @param bytes size of the binary
 * @param codeBytes bytes of all function bodies
 * @param locals locals all function bodies declare
 * @param elements initializers of all element segments
 */
record ModuleShape(long bytes, long codeBytes, long locals, long elements) {

  /**
   * Heap per code byte. Measured on Chicory 1.7.5 with bodies of the densest instructions (a {@code
   * nop} or {@code block} per byte): 51 to 59 bytes stay retained per code byte after parsing, and
   * the parser holds its builders beside what it built, so the peak is about twice that.
   */
  static final long CODE_BYTE = 128;

  /** Heap per declared local: a reference in the body's list of locals, with the list's slack. */
  static final long LOCAL = 16;

  /** Heap per element initializer: a list of two parsed instructions with their operands. */
  static final long ELEMENT = 160;

  /** The binary is copied once by the parser, and data and custom sections once more. */
  static final long COPIES = 2;

  /**
   * Heap that parsing, validating and compiling the module may take at its peak, estimated from
   * what it declares: every code byte an instruction, every local and element initializer a parsed
   * object, the binary copied.
   */
  long estimatedBuildBytes() {
    return bytes * COPIES + codeBytes * CODE_BYTE + locals * LOCAL + elements * ELEMENT;
  }
}
