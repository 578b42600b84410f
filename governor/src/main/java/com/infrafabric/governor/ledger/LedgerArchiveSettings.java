package com.infrafabric.governor.ledger;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and when the governor moves old ledger entries out of Redis ({@link LedgerArchiver}).
 *
 * @param directory the segment root; every node must see the same directory (a shared volume),
 *     since any node may archive a tenant and every node reads the archive. Empty: archiving is off
 *     and the stream keeps every entry
 * @param age entries appended longer ago than this move to the archive; at least a minute
 * @param interval how often a node visits the next page of tenants; at least a second
 */
public record LedgerArchiveSettings(Optional<Path> directory, Duration age, Duration interval) {

  /** Archiving off; the age and interval a directory would get by default: a week, a minute. */
  public static final LedgerArchiveSettings OFF =
      new LedgerArchiveSettings(Optional.empty(), Duration.ofDays(7), Duration.ofMinutes(1));

  public LedgerArchiveSettings {
    Objects.requireNonNull(directory, "directory");
    if (age.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException(
          "ledger.archive.age " + age + " is shorter than the minimum of 1 minute");
    }
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "ledger.archive.interval " + interval + " is shorter than the minimum of 1 second");
    }
  }
}
