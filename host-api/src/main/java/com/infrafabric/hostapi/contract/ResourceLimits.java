package com.infrafabric.hostapi.contract;

import java.time.Duration;
import java.util.Objects;

/**
 * What one invocation of a tool may use. Each value comes from the contract and must not exceed the
 * operator's cap for it; the names used in messages are the contract's JSON paths.
 *
 * @param timeout wall-clock deadline of one invocation ({@code timeoutMs})
 * @param cpuTime CPU time of the guest thread ({@code cpuTimeMs})
 * @param memoryMaxPages linear memory in 64 KiB pages ({@code memory.maxPages}); a module whose
 *     declared initial size is larger is rejected, and growth beyond it fails
 * @param tableMaxEntries entries per table ({@code table.maxEntries})
 * @param outputMaxBytes output bytes ({@code output.maxBytes})
 * @param logMaxBytes log message bytes ({@code log.maxBytes})
 * @param hostCallsMax calls into the host, WASI included ({@code hostCalls.max})
 */
public record ResourceLimits(
    Duration timeout,
    Duration cpuTime,
    int memoryMaxPages,
    int tableMaxEntries,
    int outputMaxBytes,
    int logMaxBytes,
    int hostCallsMax) {

  public ResourceLimits {
    HttpCapability.positive("timeoutMs", Objects.requireNonNull(timeout, "timeout").toMillis());
    HttpCapability.positive("cpuTimeMs", Objects.requireNonNull(cpuTime, "cpuTime").toMillis());
    HttpCapability.positive("memory.maxPages", memoryMaxPages);
    if (tableMaxEntries < 0) {
      throw new IllegalArgumentException(
          "table.maxEntries must not be negative, not " + tableMaxEntries);
    }
    HttpCapability.positive("output.maxBytes", outputMaxBytes);
    if (logMaxBytes < 0) {
      throw new IllegalArgumentException("log.maxBytes must not be negative, not " + logMaxBytes);
    }
    HttpCapability.positive("hostCalls.max", hostCallsMax);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts from small limits that suit a simple tool; every value can be set. */
  public static final class Builder {
    private Duration timeout = Duration.ofSeconds(1);
    private Duration cpuTime = Duration.ofMillis(500);
    private int memoryMaxPages = 16;
    private int tableMaxEntries = 1024;
    private int outputMaxBytes = 64 * 1024;
    private int logMaxBytes = 16 * 1024;
    private int hostCallsMax = 10_000;

    private Builder() {}

    public Builder timeout(Duration value) {
      this.timeout = value;
      return this;
    }

    public Builder cpuTime(Duration value) {
      this.cpuTime = value;
      return this;
    }

    public Builder memoryMaxPages(int value) {
      this.memoryMaxPages = value;
      return this;
    }

    public Builder tableMaxEntries(int value) {
      this.tableMaxEntries = value;
      return this;
    }

    public Builder outputMaxBytes(int value) {
      this.outputMaxBytes = value;
      return this;
    }

    public Builder logMaxBytes(int value) {
      this.logMaxBytes = value;
      return this;
    }

    public Builder hostCallsMax(int value) {
      this.hostCallsMax = value;
      return this;
    }

    public ResourceLimits build() {
      return new ResourceLimits(
          timeout,
          cpuTime,
          memoryMaxPages,
          tableMaxEntries,
          outputMaxBytes,
          logMaxBytes,
          hostCallsMax);
    }
  }
}
