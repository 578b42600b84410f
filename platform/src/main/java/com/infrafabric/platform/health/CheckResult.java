package com.infrafabric.platform.health;

import java.util.Objects;

/**
 * The outcome of one readiness check.
 *
 * @param up whether the dependency works
 * @param detail a short sentence for operators; shown in the readiness body, so it must not carry
 *     secrets
 */
public record CheckResult(boolean up, String detail) {

  public CheckResult {
    Objects.requireNonNull(detail, "detail");
  }

  public static CheckResult up(String detail) {
    return new CheckResult(true, detail);
  }

  public static CheckResult down(String detail) {
    return new CheckResult(false, detail);
  }
}
