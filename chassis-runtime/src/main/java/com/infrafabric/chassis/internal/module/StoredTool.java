package com.infrafabric.chassis.internal.module;

import com.infrafabric.chassis.ToolRef;
import com.infrafabric.hostapi.contract.ModuleDigest;
import java.time.Instant;

/**
 * A tool version as the registry keeps it: the signed contract is stored as signed and verified
 * again whenever it is read, so a record written to Redis by anyone else is not trusted.
 *
 * @param ref name and version
 * @param digest SHA-256 of the module
 * @param contractJws the contract exactly as signed
 * @param moduleBytes module size
 * @param registeredAt when it was first registered
 */
public record StoredTool(
    ToolRef ref, ModuleDigest digest, String contractJws, int moduleBytes, Instant registeredAt) {}
