package com.infrafabric.chassis.internal.contract;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.LimitExceededException;
import com.infrafabric.chassis.OperatorSettings;
import com.infrafabric.chassis.egress.EgressSettings;
import com.infrafabric.hostapi.contract.HttpCapability;
import com.infrafabric.hostapi.contract.KvCapability;
import com.infrafabric.hostapi.contract.LlmCapability;
import com.infrafabric.hostapi.contract.ResourceLimits;
import com.infrafabric.hostapi.contract.ServiceContract;
import com.infrafabric.llm.destination.DestinationPattern;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds a contract to the operator's caps. Every excess is reported, not only the first, each as
 * "memory.maxPages 70000 exceeds the operator cap of 1024", so a publisher fixes them in one round.
 */
public final class ContractCaps {

  private final OperatorSettings config;
  private final EgressSettings egress;

  public ContractCaps(OperatorSettings config, EgressSettings egress) {
    this.config = config;
    this.egress = egress;
  }

  /**
   * Parses the contract's allow-list and checks every value against its cap.
   *
   * @return the parsed allow-list (empty without the http capability)
   * @throws LimitExceededException listing every value above its cap
   */
  public List<DestinationPattern> check(ServiceContract contract) {
    List<String> excess = new ArrayList<>();
    limits(contract.limits(), config.limitCaps(), excess);
    contract.capability(KvCapability.class).ifPresent(kv -> kv(kv, excess));
    contract.capability(LlmCapability.class).ifPresent(llm -> llm(llm, excess));
    List<DestinationPattern> allow =
        contract.capability(HttpCapability.class).map(http -> http(http, excess)).orElse(List.of());
    if (!excess.isEmpty()) {
      throw new LimitExceededException(ErrorCode.LIMIT_ABOVE_CAP, String.join("; ", excess));
    }
    return allow;
  }

  private static void limits(ResourceLimits asked, ResourceLimits cap, List<String> excess) {
    atMost("timeoutMs", asked.timeout().toMillis(), cap.timeout().toMillis(), excess);
    atMost("cpuTimeMs", asked.cpuTime().toMillis(), cap.cpuTime().toMillis(), excess);
    atMost("memory.maxPages", asked.memoryMaxPages(), cap.memoryMaxPages(), excess);
    atMost("table.maxEntries", asked.tableMaxEntries(), cap.tableMaxEntries(), excess);
    atMost("output.maxBytes", asked.outputMaxBytes(), cap.outputMaxBytes(), excess);
    atMost("log.maxBytes", asked.logMaxBytes(), cap.logMaxBytes(), excess);
    atMost("hostCalls.max", asked.hostCallsMax(), cap.hostCallsMax(), excess);
  }

  private void kv(KvCapability kv, List<String> excess) {
    atMost("kv.maxBytes", kv.maxBytes(), config.kvMaxBytesCap(), excess);
    atMost("kv.maxKeys", kv.maxKeys(), config.kvMaxKeysCap(), excess);
  }

  private void llm(LlmCapability llm, List<String> excess) {
    atMost("llm.maxCalls", llm.maxCalls(), config.llmMaxCallsCap(), excess);
    atMost("llm.maxOutputTokens", llm.maxOutputTokens(), config.llmMaxOutputTokensCap(), excess);
  }

  private List<DestinationPattern> http(HttpCapability http, List<String> excess) {
    atMost("http.maxRequests", http.maxRequests(), config.httpMaxRequestsCap(), excess);
    long totalCap = config.httpTotalTimeoutCap().toMillis();
    atMost("http.totalTimeoutMs", http.totalTimeout().toMillis(), totalCap, excess);
    atMost("http.connectTimeoutMs", http.connectTimeout().toMillis(), totalCap, excess);
    atMost("http.readTimeoutMs", http.readTimeout().toMillis(), totalCap, excess);
    atMost(
        "http.maxResponseBytes", http.maxResponseBytes(), config.httpMaxResponseBytesCap(), excess);
    List<DestinationPattern> patterns = new ArrayList<>();
    for (int i = 0; i < http.allow().size(); i++) {
      // Each entry parses: the contract's grammar (ContractJson) refused any that does not.
      DestinationPattern pattern = DestinationPattern.parse(http.allow().get(i));
      for (String refusal : egress.refusals(pattern)) {
        excess.add("http.allow[" + i + "] " + refusal);
      }
      patterns.add(pattern);
    }
    return List.copyOf(patterns);
  }

  private static void atMost(String name, long asked, long cap, List<String> excess) {
    if (asked > cap) {
      excess.add(name + " " + asked + " exceeds the operator cap of " + cap);
    }
  }
}
