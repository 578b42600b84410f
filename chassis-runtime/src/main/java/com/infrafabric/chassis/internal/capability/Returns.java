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

  /** True if the guest buffer length (unsigned) cannot hold {@code size} bytes. */
  static boolean tooSmall(int guestLength, int size) {
    return Integer.toUnsignedLong(guestLength) < size;
  }
}
