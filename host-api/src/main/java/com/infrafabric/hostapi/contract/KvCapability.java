package com.infrafabric.hostapi.contract;

/**
 * Grants {@code kv_get}, {@code kv_put}, {@code kv_delete} and {@code kv_list} on a namespace per
 * tenant and tool.
 *
 * @param maxBytes quota on the sum of key and value bytes stored in one namespace
 * @param maxKeys quota on the number of keys in one namespace
 */
public record KvCapability(long maxBytes, int maxKeys) implements Capability {

  public KvCapability {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("kv.maxBytes must be positive, not " + maxBytes);
    }
    if (maxKeys < 1) {
      throw new IllegalArgumentException("kv.maxKeys must be positive, not " + maxKeys);
    }
  }

  @Override
  public CapabilityKind kind() {
    return CapabilityKind.KV;
  }
}
