package com.infrafabric.chassis.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.hostapi.contract.ResourceLimits;
import org.junit.jupiter.api.Test;

/**
 * What admission reserves for one invocation. Regression: it reserved {@code memory.maxPages}
 * alone, so a 16-page tool that may fetch 8 MiB bodies reserved 1 MiB and sixteen of them ran a 1
 * GiB heap out of memory; the reservation now covers what the host holds for the tool.
 */
class HostFootprintTest {

  @Test
  void coversGuestMemoryInputOutputLogAndTheLargestExchangeHeldAndInFlight() {
    ResourceLimits limits =
        ResourceLimits.builder()
            .memoryMaxPages(16)
            .outputMaxBytes(64 << 10)
            .logMaxBytes(16 << 10)
            .build();

    long reserved = HostFootprint.of(limits, 8 << 20).reservedBytes(100);

    assertThat(reserved).isEqualTo((1 << 20) + 100 + 2 * (80 << 10) + 7L * (8 << 20));
  }

  @Test
  void aToolThatExchangesNothingReservesItsMemoryInputOutputAndLog() {
    ResourceLimits limits = ResourceLimits.builder().memoryMaxPages(1).build();

    assertThat(HostFootprint.of(limits, 0).reservedBytes(0))
        .isEqualTo(65_536 + 2L * (limits.outputMaxBytes() + limits.logMaxBytes()));
  }
}
