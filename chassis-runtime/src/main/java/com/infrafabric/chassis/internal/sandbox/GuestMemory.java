package com.infrafabric.chassis.internal.sandbox;

import com.dylibso.chicory.runtime.Memory;
import com.infrafabric.chassis.Outcome;
import java.util.Optional;

/**
 * The only way host functions touch guest memory. Every pointer and length from the guest is an
 * unsigned 32-bit number; a range is accepted only if {@code ptr + len}, computed in 64 bits so it
 * cannot wrap, is within the current memory size. Negative lengths are therefore huge and refused,
 * and a range that would wrap past 2^32 back to a small address is refused too. Refusal is a trap:
 * a tool passing such a range is broken.
 *
 * <p>Every read names the most bytes its caller can use, and a longer range is refused before a
 * byte is copied: what a guest makes the host allocate is bounded by the host function's own cap,
 * never by the guest's memory (a 64 MiB range handed to {@code log} costs the host nothing).
 */
public final class GuestMemory {

  private GuestMemory() {}

  /**
   * Copies {@code [ptr, ptr+len)} out of guest memory if it is at most {@code max} bytes long.
   *
   * @param max the most bytes the caller accepts; negative accepts nothing, not even zero bytes
   * @return the bytes, or empty (nothing copied) if {@code len}, unsigned, exceeds {@code max}
   * @throws GuestHalt with {@link Outcome#TRAP} if the range is not inside memory, whatever max
   */
  public static Optional<byte[]> read(Memory memory, String function, int ptr, int len, long max) {
    check(memory, function, ptr, len);
    if (Integer.toUnsignedLong(len) > max) {
      return Optional.empty();
    }
    return Optional.of(len == 0 ? new byte[0] : memory.readBytes(ptr, len));
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
   * Checks a guest's range before anything else is decided about it: a host function that answers a
   * status for a range it never checked (a buffer too small, say) would let a broken range pass.
   *
   * @throws GuestHalt with {@link Outcome#TRAP} if the range is not inside memory
   */
  public static void check(Memory memory, String function, int ptr, int len) {
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
