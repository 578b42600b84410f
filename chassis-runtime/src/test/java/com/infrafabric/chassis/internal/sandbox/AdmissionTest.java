package com.infrafabric.chassis.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdmissionTest {

  @Test
  void admitsUpToThreadsPlusQueueThenRejectsWithTheReason() {
    Admission admission = new Admission(1, 1, 1000, 100);
    assertThat(admission.tryAdmit("a", 10)).isEmpty();
    assertThat(admission.tryAdmit("b", 10)).isEmpty();
    assertThat(admission.tryAdmit("c", 10))
        .contains("the chassis is running or queueing 2 invocations, its maximum");
    admission.release("a", 10);
    assertThat(admission.tryAdmit("c", 10)).isEmpty();
  }

  @Test
  void rejectsWhatWouldExceedTheMemoryBudgetAndGivesItBackOnRelease() {
    Admission admission = new Admission(4, 4, 100, 100);
    assertThat(admission.tryAdmit("a", 60)).isEmpty();
    assertThat(admission.tryAdmit("b", 60))
        .contains("the guest memory budget of 100 bytes is fully reserved");
    assertThat(admission.reservedMemory()).isEqualTo(60);
    admission.release("a", 60);
    assertThat(admission.reservedMemory()).isZero();
    assertThat(admission.admitted()).isZero();
  }

  /**
   * One tenant holds at most its share of the places and of the memory, so the rest stays for the
   * others; its first invocation is never refused for its share alone.
   */
  @Test
  void oneTenantHoldsAtMostItsShareAndLeavesTheRestToOthers() {
    Admission admission = new Admission(2, 8, 1000, 50);
    for (int i = 0; i < 5; i++) {
      assertThat(admission.tryAdmit("hog", 10)).isEmpty();
    }
    assertThat(admission.tryAdmit("hog", 10))
        .contains("tenant hog is running or queueing 5 invocations, its share of this node");
    assertThat(admission.tryAdmit("other", 10)).isEmpty();
    admission.release("hog", 10);
    assertThat(admission.tryAdmit("hog", 470))
        .contains("tenant hog has reserved its share of the guest memory budget, 500 bytes");
    assertThat(admission.tryAdmit("big", 700)).as("a first invocation").isEmpty();
    assertThat(admission.tryAdmit("big", 10))
        .contains("tenant big has reserved its share of the guest memory budget, 500 bytes");
    assertThat(admission.admitted()).isEqualTo(6);
  }

  @Test
  void aShareIsExactAndNeverOverflows() {
    assertThat(Admission.share(Long.MAX_VALUE, 100)).isEqualTo(Long.MAX_VALUE);
    assertThat(Admission.share(Long.MAX_VALUE, 50)).isEqualTo(Long.MAX_VALUE / 2);
    assertThat(Admission.share(3, 50)).isEqualTo(1);
    assertThat(Admission.share(512L << 20, 50)).isEqualTo(256L << 20);
  }
}
