package com.infrafabric.chassis.internal.capability;

import com.infrafabric.chassis.OperatorSettings.KvTraffic;

/**
 * What one invocation's kv calls have asked of the store so far, against the node's {@link
 * KvTraffic} bounds. Touched only by the invocation's guest thread.
 */
final class KvTrafficMeter {

  private final KvTraffic bounds;
  private int requests;
  private long bytes;

  KvTrafficMeter(KvTraffic bounds) {
    this.bounds = bounds;
  }

  /**
   * Takes one call that sends {@code sending} bytes of keys and values, if it fits both bounds;
   * false, taking nothing, if it does not.
   */
  boolean take(long sending) {
    if (requests >= bounds.maxRequests() || sending > bounds.maxBytes() - bytes) {
      return false;
    }
    requests++;
    bytes += sending;
    return true;
  }

  /** Counts what the store answered a call with (a value, a page of keys). */
  void received(long answered) {
    bytes = Math.addExact(bytes, answered);
  }
}
