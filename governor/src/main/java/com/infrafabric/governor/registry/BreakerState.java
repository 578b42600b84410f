package com.infrafabric.governor.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * An agent's circuit breaker: the tenant-wide one, or the one in a subtree of the tenant ({@link
 * SubtreeStanding}), which keeps the agent from that subtree's tasks only. It opens after the
 * policy's number of consecutive failures (or at once when a task's spend goes over its
 * reservation), lets one probe task through after the cool-down (half-open), closes when the probe
 * succeeds and opens again when it fails; an admin can close it by hand. The tenant-wide breaker
 * counts the failures of tasks on the tenant's own scope, and also opens once the agent's breaker
 * has opened in two subtrees. Every transition is an event on the tenant's claim events stream
 * ({@code breaker.open}, {@code breaker.half_open}, {@code breaker.closed}; with a {@code subtree}
 * field for a subtree's breaker).
 */
public enum BreakerState {
  CLOSED,
  OPEN,
  HALF_OPEN;

  /** The Micrometer counter of transitions to the state named {@code to} (a wire name). */
  public static Counter transitions(MeterRegistry meters, String to) {
    return Counter.builder("governor.breaker.transitions")
        .description("Circuit breaker transitions of agents")
        .tag("to", to)
        .register(meters);
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static BreakerState fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
