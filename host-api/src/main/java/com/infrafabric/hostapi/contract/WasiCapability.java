package com.infrafabric.hostapi.contract;

/**
 * Grants the WASI preview 1 imports in a closed profile: stdin is the input, stdout the output and
 * stderr the log (both bounded by the limits); no preopened directories, no environment, no
 * arguments, no sockets.
 */
public record WasiCapability() implements Capability {

  @Override
  public CapabilityKind kind() {
    return CapabilityKind.WASI;
  }
}
