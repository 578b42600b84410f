package com.infrafabric.governor.registry;

import java.util.Locale;

/**
 * An agent's circuit breaker. It opens after the policy's number of consecutive failures (or at
 * once when a task's spend goes over its reservation), lets one probe task through after the
 * cool-down (half-open), closes when the probe succeeds and opens again when it fails; an admin can
 * close it by hand. Every transition is an event on the tenant's events stream ({@code
 * breaker.open}, {@code breaker.half_open}, {@code breaker.closed}).
 */
public enum BreakerState {
  CLOSED,
  OPEN,
  HALF_OPEN;

  /** Micrometer counter of transitions, tagged {@code to} with the new state's wire name. */
  public static final String TRANSITIONS_METRIC = "governor.breaker.transitions";

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static BreakerState fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
