package com.infrafabric.chassis;

import com.infrafabric.hostapi.abi.LogLevel;

/**
 * One message a guest logged, as returned with its invocation (and also written to the JSON log,
 * tagged with tool, tenant and invocation).
 *
 * @param level the guest's level
 * @param message the message, with control characters replaced
 */
public record GuestLog(LogLevel level, String message) {

  /**
   * What one log entry costs beyond its message, counted against the contract's log limit: its
   * share of the answer, {@code {"level":"debug","message":""},} at most.
   */
  public static final int ENTRY_BYTES = 32;
}
