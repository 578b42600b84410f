package com.infrafabric.platform.redis;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The latest {@link ServerGuarantees#refusal} found for one master, so that every script sent to it
 * can be refused at no cost while it would evict, forget or fail to replicate what it is given. An
 * operator may change that at runtime ({@code CONFIG SET maxmemory-policy allkeys-lru}, a replica
 * detached): readiness then reported the master unfit while requests went on writing money to it.
 * The finding is refreshed in the background at most every {@link #REFRESH_AFTER}, by one caller at
 * a time, and by every readiness check; until the first one a master is taken as fit (a service
 * checks every master before it starts serving).
 *
 * <p>Thread-safe.
 */
final class GuaranteeWatch {

  /** How old a finding may be before a script sent to the master asks for a fresh one. */
  static final Duration REFRESH_AFTER = Duration.ofMillis(250);

  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile Optional<String> refusal = Optional.empty();
  private volatile long checkedNanos;
  private volatile boolean checked;

  /** Why nothing may be written to the master now, as last found; empty when it may. */
  Optional<String> refusal() {
    return refusal;
  }

  /** Keeps what a check of the master found at {@code nanos}. */
  void found(Optional<String> found, long nanos) {
    refusal = found;
    checkedNanos = nanos;
    checked = true;
  }

  /**
   * True if the caller should check the master now (the finding is older than {@link
   * #REFRESH_AFTER}, or there is none) and no one else is: it must then call {@link #refreshed}.
   */
  boolean claimRefresh(long nanos) {
    boolean stale = !checked || nanos - checkedNanos >= REFRESH_AFTER.toNanos();
    return stale && refreshing.compareAndSet(false, true);
  }

  /** Ends the refresh {@link #claimRefresh} granted, whether or not the master answered. */
  void refreshed() {
    refreshing.set(false);
  }
}
