package com.infrafabric.hostapi.contract;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of capability a contract can request, by their JSON name. */
public enum CapabilityKind {
  /** Reading the invocation input and writing its output. */
  IO("io"),
  /** Bounded logging tagged with tool and invocation. */
  LOG("log"),
  /** A key-value namespace per tenant and tool, with quotas. */
  KV("kv"),
  /** Outbound HTTP to an allow-list of destinations, optionally with injected credentials. */
  HTTP("http"),
  /** WASI preview 1 without files, environment or sockets: stdio, clocks, random. */
  WASI("wasi"),
  /** Model calls whose cost is reserved through the governor and capped by the grant. */
  LLM("llm");

  private final String jsonName;

  CapabilityKind(String jsonName) {
    this.jsonName = jsonName;
  }

  public String jsonName() {
    return jsonName;
  }

  public static Optional<CapabilityKind> ofJsonName(String name) {
    return Arrays.stream(values()).filter(k -> k.jsonName.equals(name)).findFirst();
  }
}
