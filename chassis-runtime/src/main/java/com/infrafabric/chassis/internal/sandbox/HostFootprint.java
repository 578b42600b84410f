package com.infrafabric.chassis.internal.sandbox;

import com.dylibso.chicory.runtime.Memory;
import com.infrafabric.hostapi.contract.ResourceLimits;

/**
 * The most heap one invocation of a tool can make this node hold at once, which {@link Admission}
 * reserves from the memory budget: its guest memory, and every byte the host keeps or copies on its
 * behalf. Admitted invocations together therefore never make the host hold more than the budget,
 * however small their guest memory: a 16-page tool fetching 8 MB bodies reserves for the bodies.
 *
 * <pre>
 * reserved = memory.maxPages × 64 KiB                 the guest's linear memory
 *          + input bytes                              the input, held for the whole run
 *          + 2 × (output.maxBytes + log.maxBytes)     the output buffer as it grows, log entries
 *                                                     as text (two bytes a character at worst)
 *          + 7 × largest exchange                     one pending result and one host call
 * </pre>
 *
 * The largest exchange is the most bytes one host call of the tool can take in or hand back (see
 * {@code HostLinker#largestExchange}): the HTTP response cap or request cap, a kv value or key
 * page, an LLM request or answer. It counts {@value #EXCHANGE_COPIES} times: the pending result the
 * previous call left (2, held as text), and the call in flight with its received bytes (1), their
 * text (2) and its redacted copy (2). Every range a host function copies out of guest memory is
 * capped before it is copied ({@link GuestMemory}), so none can exceed its exchange.
 *
 * @param memoryPages the contract's {@code memory.maxPages}
 * @param keptBytes the contract's output and log bytes together
 * @param largestExchange the most bytes one host call of the tool can take in or hand back
 */
public record HostFootprint(int memoryPages, long keptBytes, long largestExchange) {

  static final int KEPT_COPIES = 2;
  static final int EXCHANGE_COPIES = 7;

  public static HostFootprint of(ResourceLimits limits, long largestExchange) {
    return new HostFootprint(
        limits.memoryMaxPages(),
        (long) limits.outputMaxBytes() + limits.logMaxBytes(),
        largestExchange);
  }

  /** The bytes to reserve for an invocation bringing {@code inputBytes} of input. */
  public long reservedBytes(long inputBytes) {
    return (long) memoryPages * Memory.PAGE_SIZE
        + inputBytes
        + KEPT_COPIES * keptBytes
        + EXCHANGE_COPIES * largestExchange;
  }
}
