package com.infrafabric.hostapi.contract;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of capability a contract can request, by their JSON name. */
public enum CapabilityKind {
  /** Reading the invocation input and writing its output. */
  IO("io", false),
  /** Bounded logging tagged with tool and invocation. */
  LOG("log", false),
  /** A key-value namespace per tenant and tool, with quotas. */
  KV("kv", false),
  /** Outbound HTTP to an allow-list of destinations. */
  HTTP("http", false),
  /** WASI preview 1 without files, environment or sockets: stdio, clocks, random. */
  WASI("wasi", false),
  /**
   * Model calls whose cost is reserved through the governor. Reserved: contracts requesting it are
   * rejected until it ships, so its meaning can be fixed then.
   */
  LLM("llm", true);

  private final String jsonName;
  private final boolean reserved;

  CapabilityKind(String jsonName, boolean reserved) {
    this.jsonName = jsonName;
    this.reserved = reserved;
  }

  public String jsonName() {
    return jsonName;
  }

  /** True for kinds named now but not offered yet. */
  public boolean reserved() {
    return reserved;
  }

  public static Optional<CapabilityKind> ofJsonName(String name) {
    return Arrays.stream(values()).filter(k -> k.jsonName.equals(name)).findFirst();
  }
}
