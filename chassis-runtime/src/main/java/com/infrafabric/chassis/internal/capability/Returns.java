package com.infrafabric.chassis.internal.capability;

import com.infrafabric.hostapi.abi.AbiError;

/** The {@code i32} results host functions hand back to Chicory. */
final class Returns {

  private static final long[] ZERO = {0};

  private Returns() {}

  static long[] ok() {
    return ZERO.clone();
  }

  static long[] value(int value) {
    return new long[] {value};
  }

  static long[] error(AbiError error) {
    return new long[] {error.code()};
  }

  /**
   * The length of a pending result as the tool reads it, or {@link AbiError#TOO_LARGE} for one an
   * {@code i32} cannot state (an escaped body can be six times its cap).
   */
  static long[] length(long length) {
    return length > Integer.MAX_VALUE ? error(AbiError.TOO_LARGE) : value((int) length);
  }
}
