package com.infrafabric.chassis.internal.module;

/** How a tool is started and how its input and output move. */
public enum EntryPoint {
  /** Exports {@code run: () -> i32}; input and output through the {@code infrafabric} ABI. */
  ABI,
  /** Exports {@code _start: () -> ()}; input on stdin, output on stdout, exit code as status. */
  WASI_COMMAND
}
