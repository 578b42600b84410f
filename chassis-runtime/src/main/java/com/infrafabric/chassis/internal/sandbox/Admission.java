package com.infrafabric.chassis.internal.sandbox;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The gate in front of the guest threads: at most {@code threads + queueCapacity} invocations
 * admitted at once, and their summed HostFootprints within the global budget. One tenant holds at
 * most {@code tenantSharePercent} of each (at least one invocation, and its first invocation
 * whatever its memory), so the rest stays for the others: one tenant cannot fill the queue or
 * reserve the whole budget. Full means rejected at once (429), never an unbounded wait.
 * Thread-safe.
 */
public final class Admission {

  private final int maxAdmitted;
  private final long memoryBudget;
  private final int tenantMaxAdmitted;
  private final long tenantMemoryBudget;
  private final Map<String, Held> tenants = new HashMap<>();
  private int admitted;
  private long reservedMemory;

  /** What one tenant holds now. */
  private record Held(int invocations, long memory) {}

  public Admission(int threads, int queueCapacity, long memoryBudget, int tenantSharePercent) {
    this.maxAdmitted = threads + queueCapacity;
    this.memoryBudget = memoryBudget;
    this.tenantMaxAdmitted = Math.max(1, share(maxAdmitted, tenantSharePercent));
    this.tenantMemoryBudget = Math.max(1, share(memoryBudget, tenantSharePercent));
  }

  /** {@code percent} of {@code whole}, rounded down, without overflow. */
  static int share(int whole, int percent) {
    return (int) share((long) whole, percent);
  }

  static long share(long whole, int percent) {
    return whole / 100 * percent + whole % 100 * percent / 100;
  }

  /**
   * Admits one invocation of {@code tenant} reserving {@code memoryBytes}, or says why not.
   *
   * @return empty if admitted (call {@link #release} when it ends), else the reason
   */
  public synchronized Optional<String> tryAdmit(String tenant, long memoryBytes) {
    if (admitted >= maxAdmitted) {
      return Optional.of(
          "the chassis is running or queueing " + admitted + " invocations, its maximum");
    }
    if (reservedMemory + memoryBytes > memoryBudget) {
      return Optional.of("the guest memory budget of " + memoryBudget + " bytes is fully reserved");
    }
    Held held = tenants.getOrDefault(tenant, new Held(0, 0));
    if (held.invocations() >= tenantMaxAdmitted) {
      return Optional.of(
          "tenant "
              + tenant
              + " is running or queueing "
              + held.invocations()
              + " invocations, its share of this node");
    }
    if (held.invocations() > 0 && held.memory() + memoryBytes > tenantMemoryBudget) {
      return Optional.of(
          "tenant "
              + tenant
              + " has reserved its share of the guest memory budget, "
              + tenantMemoryBudget
              + " bytes");
    }
    tenants.put(tenant, new Held(held.invocations() + 1, held.memory() + memoryBytes));
    admitted++;
    reservedMemory += memoryBytes;
    return Optional.empty();
  }

  public synchronized void release(String tenant, long memoryBytes) {
    Held held = tenants.get(tenant);
    if (held.invocations() == 1) {
      tenants.remove(tenant);
    } else {
      tenants.put(tenant, new Held(held.invocations() - 1, held.memory() - memoryBytes));
    }
    admitted--;
    reservedMemory -= memoryBytes;
  }

  public synchronized int admitted() {
    return admitted;
  }

  public synchronized long reservedMemory() {
    return reservedMemory;
  }
}
