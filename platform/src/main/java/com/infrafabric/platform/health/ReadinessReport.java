package com.infrafabric.platform.health;

import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The combined outcome of every readiness check: up only if all of them are.
 *
 * @param checks results by check name, in registration order
 */
public record ReadinessReport(Map<String, CheckResult> checks) {

  public ReadinessReport {
    checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
  }

  public boolean up() {
    return checks.values().stream().allMatch(CheckResult::up);
  }

  /**
   * {@code {"status":"UP","checks":{"redis":{"status":"UP","detail":"..."}}}}; without {@code
   * detail} for anonymous callers, to whom a failing check's words (addresses, causes) are none of
   * their business.
   */
  public JsonObject toJson(boolean withDetail) {
    JsonObject byName = new JsonObject();
    checks.forEach(
        (name, result) -> {
          JsonObject check = new JsonObject().put("status", status(result.up()));
          if (withDetail) {
            check.put("detail", result.detail());
          }
          byName.put(name, check);
        });
    return new JsonObject().put("status", status(up())).put("checks", byName);
  }

  private static String status(boolean up) {
    return up ? "UP" : "DOWN";
  }
}
