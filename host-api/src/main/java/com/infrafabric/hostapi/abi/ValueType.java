package com.infrafabric.hostapi.abi;

/** The WebAssembly value types the ABI uses; pointers and lengths are {@code i32}. */
public enum ValueType {
  I32,
  I64;

  /** The type as written in the WebAssembly text format, e.g. {@code i32}. */
  public String wat() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
