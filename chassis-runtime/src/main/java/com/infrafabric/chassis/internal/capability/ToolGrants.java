package com.infrafabric.chassis.internal.capability;

import com.infrafabric.chassis.internal.egress.DestinationPattern;
import com.infrafabric.hostapi.contract.HttpCapability;
import com.infrafabric.hostapi.contract.KvCapability;
import java.util.List;
import java.util.Optional;

/**
 * The parameters of the capabilities a tool's contract grants, as the host functions need them.
 *
 * @param kv the kv quotas, if granted
 * @param http the http parameters, if granted
 * @param allowList the parsed http allow-list (empty without http)
 */
public record ToolGrants(
    Optional<KvCapability> kv, Optional<HttpCapability> http, List<DestinationPattern> allowList) {

  public ToolGrants {
    allowList = List.copyOf(allowList);
  }
}
