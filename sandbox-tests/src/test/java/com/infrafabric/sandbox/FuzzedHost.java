package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.ChassisException;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.http.ChassisStatus;
import java.util.concurrent.CompletionException;

/**
 * What every fuzz target asserts about the host after each input: a refusal is a 4xx of the
 * chassis's own, an invocation an outcome other than a server error, and the host still healthy.
 * The heap bound is the test JVM's ({@code -Xmx1g} in the build): an input that makes the host
 * allocate without bound fails the target with {@code OutOfMemoryError}.
 */
final class FuzzedHost {

  private FuzzedHost() {}

  /** A failure the API answers: a {@link ChassisException} with a 4xx status, nothing else. */
  static void assertRefusedAs4xx(Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    assertThat(cause).isInstanceOf(ChassisException.class);
    assertThat(ChassisStatus.of(((ChassisException) cause).code()))
        .as(cause.getMessage())
        .isBetween(400, 499);
  }

  /** An outcome the REST layer answers without a server error of the chassis's own making. */
  static void assertAnswered(InvocationResult result) {
    assertThat(result.outcome())
        .as(result.message())
        .isNotIn(Outcome.UNAVAILABLE, Outcome.REJECTED_OVERLOAD);
  }

  /**
   * {@link #assertAnswered}, and no trap that came from the host rather than the guest's own code:
   * for guests that only call host functions, a runtime failure can only be the host's.
   */
  static void assertAnsweredByTheHostFunctions(InvocationResult result) {
    assertAnswered(result);
    assertThat(result.message())
        .doesNotStartWith("the tool made the runtime fail")
        .doesNotStartWith("the tool asked for more memory than the host could allocate");
  }
}
