package com.infrafabric.hostapi.contract;

/**
 * One capability a contract grants, with its parameters. Deny by default: a module can import a
 * host function only if its contract holds the capability the function belongs to.
 */
public sealed interface Capability
    permits IoCapability,
        LogCapability,
        KvCapability,
        HttpCapability,
        WasiCapability,
        LlmCapability {

  CapabilityKind kind();
}
