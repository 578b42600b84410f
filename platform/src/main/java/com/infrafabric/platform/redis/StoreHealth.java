package com.infrafabric.platform.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether Redis is known to answer. A command that got no answer in time, or a connection that
 * failed, marks the store down; from then on commands fail at once instead of each waiting the full
 * command timeout, and one cheap {@code PING} at a time, at most every {@link #PROBE_INTERVAL},
 * finds out when Redis answers again. Any answer marks it up. Thread-safe.
 */
final class StoreHealth {

  /** How often a store that is down is probed while commands keep arriving. */
  static final Duration PROBE_INTERVAL = Duration.ofMillis(200);

  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile boolean up = true;
  private volatile long nextProbeNanos;

  boolean up() {
    return up;
  }

  void markUp() {
    up = true;
  }

  void markDown() {
    up = false;
  }

  /** True if the caller should send the probe now: none is pending and the interval has passed. */
  boolean claimProbe(long nowNanos) {
    return nowNanos - nextProbeNanos >= 0 && probing.compareAndSet(false, true);
  }

  /** The probe answered or failed; the next may go after the interval. */
  void probeDone(long nowNanos) {
    nextProbeNanos = nowNanos + PROBE_INTERVAL.toNanos();
    probing.set(false);
  }
}
