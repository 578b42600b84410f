package com.infrafabric.wire.grant;

import com.infrafabric.platform.auth.AuthResult;
import java.util.Objects;

/** The outcome of verifying a grant token: the grant, or why it was refused. */
public sealed interface GrantCheck {

  /** The token is a valid grant signed by the governor. */
  record Valid(Grant grant) implements GrantCheck {
    public Valid {
      Objects.requireNonNull(grant, "grant");
    }
  }

  /**
   * The token is refused.
   *
   * @param reason the token check that failed ({@code signature}, {@code expired}, {@code
   *     audience}, ...), or {@code claims} when a grant claim is missing or malformed
   */
  record Refused(AuthResult.Reason reason) implements GrantCheck {
    public Refused {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
