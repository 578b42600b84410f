package com.infrafabric.governor.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
