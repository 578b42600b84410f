package com.infrafabric.chassis.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdmissionTest {

  @Test
  void admitsUpToThreadsPlusQueueThenRejectsWithTheReason() {
    Admission admission = new Admission(1, 1, 1000);
    assertThat(admission.tryAdmit(10)).isEmpty();
    assertThat(admission.tryAdmit(10)).isEmpty();
    assertThat(admission.tryAdmit(10))
        .contains("the chassis is running or queueing 2 invocations, its maximum");
    admission.release(10);
    assertThat(admission.tryAdmit(10)).isEmpty();
  }

  @Test
  void rejectsWhatWouldExceedTheMemoryBudgetAndGivesItBackOnRelease() {
    Admission admission = new Admission(4, 4, 100);
    assertThat(admission.tryAdmit(60)).isEmpty();
    assertThat(admission.tryAdmit(60))
        .contains("the guest memory budget of 100 bytes is fully reserved");
    assertThat(admission.reservedMemory()).isEqualTo(60);
    admission.release(60);
    assertThat(admission.reservedMemory()).isZero();
    assertThat(admission.admitted()).isZero();
  }
}
