package com.infrafabric.chassis;

import java.util.List;
import java.util.Objects;

/**
 * The value every invocation produces, whatever the guest did.
 *
 * @param outcome how it ended
 * @param output the guest's JSON output on {@link Outcome#SUCCESS}; whatever it wrote (possibly
 *     empty, possibly not JSON) otherwise
 * @param message a sentence for the caller: empty on success, what happened otherwise
 * @param report what it used
 * @param logs what the guest logged, in order
 */
public record InvocationResult(
    Outcome outcome, String output, String message, ExecutionReport report, List<GuestLog> logs) {

  public InvocationResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(report, "report");
    logs = List.copyOf(logs);
  }
}
