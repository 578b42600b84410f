package com.infrafabric.governor.registry;

import java.util.Locale;

/** Whether an agent takes new tasks. Leases an agent already holds run on in every status. */
public enum AgentStatus {
  /** Takes tasks. */
  ACTIVE,
  /** Takes no new tasks and finishes what it holds: the way to take an agent out of service. */
  DRAINING,
  /** Takes no new tasks and may not extend its leases, so its tasks go to others at expiry. */
  DISABLED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static AgentStatus fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
