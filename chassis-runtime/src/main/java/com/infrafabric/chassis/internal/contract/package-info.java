/**
 * Turning a signed contract into a trusted {@link
 * com.infrafabric.hostapi.contract.ServiceContract}: JWS verification against the operator's
 * publisher keys, strict JSON mapping, and the operator's caps.
 */
package com.infrafabric.chassis.internal.contract;
