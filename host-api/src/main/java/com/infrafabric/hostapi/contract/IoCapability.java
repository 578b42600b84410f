package com.infrafabric.hostapi.contract;

/** Grants {@code input_size}, {@code input_read}, {@code output_write} and {@code result_read}. */
public record IoCapability() implements Capability {

  @Override
  public CapabilityKind kind() {
    return CapabilityKind.IO;
  }
}
