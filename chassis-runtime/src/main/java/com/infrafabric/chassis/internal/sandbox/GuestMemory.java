package com.infrafabric.chassis.internal.sandbox;

import com.dylibso.chicory.runtime.Memory;
import com.infrafabric.chassis.Outcome;

/**
 * The only way host functions touch guest memory. Every pointer and length from the guest is an
 * unsigned 32-bit number; a range is accepted only if {@code ptr + len}, computed in 64 bits so it
 * cannot wrap, is within the current memory size. Negative lengths are therefore huge and refused,
 * and a range that would wrap past 2^32 back to a small address is refused too. Refusal is a trap:
 * a tool passing such a range is broken.
 */
public final class GuestMemory {

  private GuestMemory() {}

  /** Copies {@code [ptr, ptr+len)} out of guest memory. */
  public static byte[] read(Memory memory, String function, int ptr, int len) {
    check(memory, function, ptr, len);
    return len == 0 ? new byte[0] : memory.readBytes(ptr, len);
  }

  /**
   * Copies {@code data} to guest memory at {@code ptr}, after checking that the guest's buffer
   * {@code [ptr, ptr+capacity)} lies in memory; the caller has checked that data fits capacity.
   */
  public static void write(Memory memory, String function, int ptr, int capacity, byte[] data) {
    check(memory, function, ptr, capacity);
    if (data.length > 0) {
      memory.write(ptr, data, 0, data.length);
    }
  }

  /**
   * @throws GuestHalt with {@link Outcome#TRAP} if the range is not inside memory
   */
  static void check(Memory memory, String function, int ptr, int len) {
    long start = Integer.toUnsignedLong(ptr);
    long end = start + Integer.toUnsignedLong(len);
    long size = memory == null ? 0 : (long) memory.pages() * Memory.PAGE_SIZE;
    if (end > size) {
      throw new GuestHalt(
          Outcome.TRAP,
          "infrafabric."
              + function
              + ": range ["
              + start
              + ", "
              + end
              + ") lies outside linear memory of "
              + size
              + " bytes");
    }
  }
}
