package com.infrafabric.chassis.internal.sandbox;

/**
 * The gate in front of the guest threads: at most {@code threads + queueCapacity} invocations
 * admitted at once, and the sum of their memory limits within the global budget. Full means
 * rejected at once (429), never an unbounded wait. Thread-safe.
 */
public final class Admission {

  private final int maxAdmitted;
  private final long memoryBudget;
  private int admitted;
  private long reservedMemory;

  public Admission(int threads, int queueCapacity, long memoryBudget) {
    this.maxAdmitted = threads + queueCapacity;
    this.memoryBudget = memoryBudget;
  }

  /**
   * Admits one invocation reserving {@code memoryBytes}, or says why not.
   *
   * @return empty if admitted (call {@link #release(long)} when it ends), else the reason
   */
  public synchronized java.util.Optional<String> tryAdmit(long memoryBytes) {
    if (admitted >= maxAdmitted) {
      return java.util.Optional.of(
          "the chassis is running or queueing " + admitted + " invocations, its maximum");
    }
    if (reservedMemory + memoryBytes > memoryBudget) {
      return java.util.Optional.of(
          "the guest memory budget of " + memoryBudget + " bytes is fully reserved");
    }
    admitted++;
    reservedMemory += memoryBytes;
    return java.util.Optional.empty();
  }

  public synchronized void release(long memoryBytes) {
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
