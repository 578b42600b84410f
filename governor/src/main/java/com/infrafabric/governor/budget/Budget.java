package com.infrafabric.governor.budget;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Window;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The caps of one scope, per window. A scope with a budget is a layer every reservation and charge
 * below it must fit in; windows without a limit are not capped.
 *
 * @param scope the scope the caps apply to
 * @param limits at least one window's limit
 */
public record Budget(Scope scope, Map<Window, Limit> limits) {

  public Budget {
    Objects.requireNonNull(scope, "scope");
    if (limits.isEmpty()) {
      throw new GovernorException(
          ErrorCode.INVALID_BUDGET, "a budget needs a limit for at least one window");
    }
    limits = Map.copyOf(new EnumMap<>(limits));
  }

  public static Budget of(Scope scope, Window window, Limit limit) {
    return new Budget(scope, Map.of(window, limit));
  }
}
