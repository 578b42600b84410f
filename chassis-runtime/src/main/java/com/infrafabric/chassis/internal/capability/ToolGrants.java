package com.infrafabric.chassis.internal.capability;

import com.infrafabric.hostapi.contract.HttpCapability;
import com.infrafabric.hostapi.contract.KvCapability;
import com.infrafabric.hostapi.contract.LlmCapability;
import com.infrafabric.llm.destination.DestinationPattern;
import java.util.List;
import java.util.Optional;

/**
 * The parameters of the capabilities a tool's contract grants, as the host functions need them.
 *
 * @param kv the kv quotas, if granted
 * @param http the http parameters, if granted
 * @param allowList the parsed http allow-list (empty without http)
 * @param llm the llm parameters, if granted
 * @param publisher the publisher whose key signed the tool's contract ({@link
 *     com.infrafabric.chassis.internal.contract.VerifiedContract#publisher()}): the tool's kv
 *     namespace is its, whichever of its keys signed
 */
public record ToolGrants(
    Optional<KvCapability> kv,
    Optional<HttpCapability> http,
    List<DestinationPattern> allowList,
    Optional<LlmCapability> llm,
    String publisher) {

  public ToolGrants {
    allowList = List.copyOf(allowList);
  }

  /**
   * True if invoking the tool needs a grant: its contract asks for model calls or credentials,
   * which spend money or use secrets only the governor may hand out per task.
   */
  public boolean needGrant() {
    return llm.isPresent() || http.map(h -> !h.credentials().isEmpty()).orElse(false);
  }
}
