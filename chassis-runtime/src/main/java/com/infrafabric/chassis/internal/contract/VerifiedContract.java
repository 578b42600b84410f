package com.infrafabric.chassis.internal.contract;

import com.infrafabric.chassis.TrustedPublishers;
import com.infrafabric.hostapi.contract.ServiceContract;

/**
 * A contract whose signature checked out against a trusted publisher key.
 *
 * @param contract the parsed contract
 * @param keyId the {@code kid} of the key that signed it
 * @param publisher the publisher that key signs for ({@link TrustedPublishers}): who owns the
 *     tool's name and its kv data, whichever of its keys signed
 */
public record VerifiedContract(ServiceContract contract, String keyId, String publisher) {}
