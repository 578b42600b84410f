package com.infrafabric.platform.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.platform.limit.TenantSlots.Decision;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TenantSlotsTest {

  @Test
  void aTenantHoldsAtMostHalfOfTheBound() {
    TenantSlots slots = new TenantSlots(8);

    assertThat(IntStream.range(0, 4).mapToObj(i -> slots.take("a")))
        .containsOnly(Decision.ADMITTED);
    assertThat(slots.take("a")).isEqualTo(Decision.TENANT_SHARE);
    slots.release("a");
    assertThat(slots.take("a")).isEqualTo(Decision.ADMITTED);
  }

  @Test
  void twoTenantsAtHalfEachLeaveEveryOtherTenantItsFairShareUpToTwiceTheBound() {
    TenantSlots slots = new TenantSlots(4);
    for (String tenant : new String[] {"a", "b"}) {
      slots.take(tenant);
      slots.take(tenant);
    }

    for (String tenant : new String[] {"c", "d", "e", "f"}) {
      assertThat(slots.take(tenant)).as(tenant).isEqualTo(Decision.ADMITTED);
    }
    assertThat(slots.held()).isEqualTo(8);
    assertThat(slots.take("g")).isEqualTo(Decision.FULL);
    assertThat(slots.take("a")).isEqualTo(Decision.FULL);
  }

  @Test
  void onAFullBoundATenantAtItsFairShareIsRefused() {
    TenantSlots slots = new TenantSlots(4);
    slots.take("a");
    slots.take("a");
    slots.take("b");
    slots.take("b");
    slots.take("c");

    // Three tenants hold slots: a fair share of 4 is 1, which c holds.
    assertThat(slots.take("c")).isEqualTo(Decision.FULL);
  }

  @Test
  void releasedSlotsAreTakenAgainAndAReleaseOfNothingHeldIsABug() {
    TenantSlots slots = new TenantSlots(1);
    assertThat(slots.take("a")).isEqualTo(Decision.ADMITTED);
    slots.release("a");

    assertThat(slots.held()).isZero();
    assertThat(slots.take("b")).isEqualTo(Decision.ADMITTED);
    assertThatThrownBy(() -> slots.release("a")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new TenantSlots(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new TenantSlots(0).take("a")).isEqualTo(Decision.FULL);
  }

  /** Slots taken by weight (a body's kibibytes) are taken all or none, within the same shares. */
  @Test
  void weightedTakesAreAllOrNoneWithinTheShares() {
    TenantSlots slots = new TenantSlots(100);

    assertThat(slots.take("a", 40)).isEqualTo(Decision.ADMITTED);
    assertThat(slots.take("a", 11)).isEqualTo(Decision.TENANT_SHARE);
    assertThat(slots.take("a", 10)).isEqualTo(Decision.ADMITTED);
    assertThat(slots.take("b", 50)).isEqualTo(Decision.ADMITTED);
    assertThat(slots.take("c", 34))
        .as("over the fair share of a full bound")
        .isEqualTo(Decision.FULL);
    assertThat(slots.take("c", 33)).isEqualTo(Decision.ADMITTED);
    assertThat(slots.held()).isEqualTo(133);
    slots.release("a", 50);
    assertThat(slots.held()).isEqualTo(83);
    assertThatThrownBy(() -> slots.release("b", 51)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> slots.take("b", 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
