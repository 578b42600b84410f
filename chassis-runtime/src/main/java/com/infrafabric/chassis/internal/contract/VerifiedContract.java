package com.infrafabric.chassis.internal.contract;

import com.infrafabric.hostapi.contract.ServiceContract;

/**
 * A contract whose signature checked out against a trusted publisher key.
 *
 * @param contract the parsed contract
 * @param keyId the {@code kid} of the key that signed it
 */
public record VerifiedContract(ServiceContract contract, String keyId) {}
