package com.infrafabric.chassis;

import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.hostapi.contract.ServiceContract;
import java.time.Instant;

/**
 * A registered tool version as the registry returns it.
 *
 * @param ref name and version
 * @param digest SHA-256 of the module
 * @param moduleBytes size of the module
 * @param contract the verified contract
 * @param publisher the publisher that owns the tool's name: the {@code publisher} its signing key
 *     names in the operator's key set, else that key's {@code kid}
 * @param publisherKeyId the key id ({@code kid}) the contract was signed with
 * @param registeredAt when it was registered, by the chassis clock
 */
public record ToolInfo(
    ToolRef ref,
    ModuleDigest digest,
    int moduleBytes,
    ServiceContract contract,
    String publisher,
    String publisherKeyId,
    Instant registeredAt) {}
