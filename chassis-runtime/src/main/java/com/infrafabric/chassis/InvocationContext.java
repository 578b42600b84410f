package com.infrafabric.chassis;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who an invocation is for. The tenant scopes the tool's key-value namespace; all three tag logs
 * and reports.
 *
 * @param tenant tenant id, {@code [A-Za-z0-9._-]{1,64}}
 * @param agent the calling agent's id, same form
 * @param invocationId unique id of this invocation, same form
 */
public record InvocationContext(String tenant, String agent, String invocationId) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public InvocationContext {
    check("tenant", tenant);
    check("agent", agent);
    check("invocationId", invocationId);
  }

  private static void check(String field, String value) {
    Objects.requireNonNull(value, field);
    if (!ID.matcher(value).matches()) {
      throw new IllegalArgumentException(field + " must match [A-Za-z0-9._-]{1,64}");
    }
  }
}
