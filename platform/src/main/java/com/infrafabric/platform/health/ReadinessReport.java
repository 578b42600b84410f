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

  /** {@code {"status":"UP","checks":{"redis":{"status":"UP","detail":"..."}}}}. */
  public JsonObject toJson() {
    JsonObject byName = new JsonObject();
    checks.forEach(
        (name, result) ->
            byName.put(
                name,
                new JsonObject()
                    .put("status", status(result.up()))
                    .put("detail", result.detail())));
    return new JsonObject().put("status", status(up())).put("checks", byName);
  }

  private static String status(boolean up) {
    return up ? "UP" : "DOWN";
  }
}
