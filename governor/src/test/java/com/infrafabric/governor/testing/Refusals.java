package com.infrafabric.governor.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserts that an engine call is refused with a governor error code. */
public final class Refusals {

  private Refusals() {}

  /**
   * Runs {@code call}, insists it fails with {@code code}, and returns the failure to look into.
   */
  public static GovernorException assertRefused(ErrorCode code, ThrowingCallable call) {
    GovernorException refused = catchThrowableOfType(GovernorException.class, call);
    assertThat(refused).as("refused with " + code).isNotNull();
    assertThat(refused.code()).as(refused.getMessage()).isEqualTo(code);
    return refused;
  }
}
