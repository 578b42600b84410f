package com.infrafabric.chassis.internal.sandbox;

import com.infrafabric.chassis.Outcome;

/**
 * Thrown by the host inside a host call to stop the guest at once: a limit was reached or the guest
 * broke the ABI. It unwinds through the guest's frames to the invocation runner, which turns it
 * into its outcome; it never leaves the sandbox.
 */
public final class GuestHalt extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final Outcome outcome;

  public GuestHalt(Outcome outcome, String message) {
    super(message, null, false, false);
    this.outcome = outcome;
  }

  public Outcome outcome() {
    return outcome;
  }
}
