package com.infrafabric.hostapi.contract;

/** Grants {@code log}; the byte budget is {@link ResourceLimits#logMaxBytes()}. */
public record LogCapability() implements Capability {

  @Override
  public CapabilityKind kind() {
    return CapabilityKind.LOG;
  }
}
