package com.infrafabric.hostapi.abi;

import java.util.Optional;

/** Levels a tool passes to {@link HostFunction#LOG}, by their numeric ABI value. */
public enum LogLevel {
  DEBUG,
  INFO,
  WARN,
  ERROR;

  /** The level for ABI value {@code value} (0 debug ... 3 error), if it is one. */
  public static Optional<LogLevel> ofAbiValue(int value) {
    LogLevel[] all = values();
    return value >= 0 && value < all.length ? Optional.of(all[value]) : Optional.empty();
  }
}
