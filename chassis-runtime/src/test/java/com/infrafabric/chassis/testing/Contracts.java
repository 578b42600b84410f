package com.infrafabric.chassis.testing;

import com.infrafabric.hostapi.contract.ModuleDigest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Builds contract JSON for tests: small limits and the io capability by default, every part
 * replaceable, so each test states only what it is about.
 */
public final class Contracts {

  private final JsonObject json;

  private Contracts(JsonObject json) {
    this.json = json;
  }

  /** A contract for {@code module} named {@code name@1.0.0} granting io. */
  public static Contracts forModule(String name, byte[] module) {
    return new Contracts(
        new JsonObject()
            .put("name", name)
            .put("version", "1.0.0")
            .put("moduleDigest", ModuleDigest.of(module).toString())
            .put("capabilities", new JsonObject().put("io", new JsonObject()))
            .put(
                "limits",
                new JsonObject()
                    .put("timeoutMs", 2000)
                    .put("cpuTimeMs", 1000)
                    .put("memory", new JsonObject().put("maxPages", 4))
                    .put("table", new JsonObject().put("maxEntries", 64))
                    .put("output", new JsonObject().put("maxBytes", 4096))
                    .put("log", new JsonObject().put("maxBytes", 4096))
                    .put("hostCalls", new JsonObject().put("max", 1000)))
            .put("slo", new JsonObject().put("p99LatencyMs", 100).put("successRate", 0.99)));
  }

  public Contracts version(String version) {
    json.put("version", version);
    return this;
  }

  public Contracts grant(String capability) {
    json.getJsonObject("capabilities").put(capability, new JsonObject());
    return this;
  }

  public Contracts grantKv(long maxBytes, int maxKeys) {
    json.getJsonObject("capabilities")
        .put("kv", new JsonObject().put("maxBytes", maxBytes).put("maxKeys", maxKeys));
    return this;
  }

  public Contracts grantHttp(
      List<String> allow, int maxRequests, int totalTimeoutMs, int maxResponseBytes) {
    json.getJsonObject("capabilities")
        .put(
            "http",
            new JsonObject()
                .put("allow", new JsonArray(List.copyOf(allow)))
                .put("maxRequests", maxRequests)
                .put("connectTimeoutMs", Math.min(1000, totalTimeoutMs))
                .put("readTimeoutMs", Math.min(1000, totalTimeoutMs))
                .put("totalTimeoutMs", totalTimeoutMs)
                .put("maxResponseBytes", maxResponseBytes));
    return this;
  }

  /** Lists credentials the http capability (granted before) may have injected. */
  public Contracts credentials(List<String> names) {
    json.getJsonObject("capabilities")
        .getJsonObject("http")
        .put("credentials", new JsonArray(List.copyOf(names)));
    return this;
  }

  public Contracts grantLlm(List<String> models, int maxCalls, int maxOutputTokens) {
    json.getJsonObject("capabilities")
        .put(
            "llm",
            new JsonObject()
                .put("models", new JsonArray(List.copyOf(models)))
                .put("maxCalls", maxCalls)
                .put("maxOutputTokens", maxOutputTokens));
    return this;
  }

  public Contracts withoutCapabilities() {
    json.put("capabilities", new JsonObject());
    return this;
  }

  /**
   * Sets a limit by its path, e.g. {@code limit("memory", "maxPages", 8)} or {@code ("timeoutMs",
   * null, 50)}.
   */
  public Contracts limit(String field, String subField, long value) {
    JsonObject limits = json.getJsonObject("limits");
    if (subField == null) {
      limits.put(field, value);
    } else {
      limits.getJsonObject(field).put(subField, value);
    }
    return this;
  }

  public Contracts put(String field, Object value) {
    json.put(field, value);
    return this;
  }

  public String json() {
    return json.encode();
  }

  public String signedBy(Publisher publisher) {
    return publisher.sign(json());
  }
}
