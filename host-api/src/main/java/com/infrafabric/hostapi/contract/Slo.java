package com.infrafabric.hostapi.contract;

import java.time.Duration;
import java.util.Objects;

/**
 * What the publisher promises about a tool, for dashboards and alerts.
 *
 * @param p99Latency 99th percentile of invocation duration
 * @param successRate fraction of invocations ending in success, in (0, 1]
 */
public record Slo(Duration p99Latency, double successRate) {

  public Slo {
    HttpCapability.positive(
        "slo.p99LatencyMs", Objects.requireNonNull(p99Latency, "p99Latency").toMillis());
    if (!(successRate > 0 && successRate <= 1)) {
      throw new IllegalArgumentException("slo.successRate must be in (0, 1], not " + successRate);
    }
  }
}
