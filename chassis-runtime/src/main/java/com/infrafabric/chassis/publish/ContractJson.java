package com.infrafabric.chassis.publish;

import com.infrafabric.hostapi.contract.Capability;
import com.infrafabric.hostapi.contract.CapabilityKind;
import com.infrafabric.hostapi.contract.HttpCapability;
import com.infrafabric.hostapi.contract.IoCapability;
import com.infrafabric.hostapi.contract.KvCapability;
import com.infrafabric.hostapi.contract.LlmCapability;
import com.infrafabric.hostapi.contract.LogCapability;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.hostapi.contract.ResourceLimits;
import com.infrafabric.hostapi.contract.ServiceContract;
import com.infrafabric.hostapi.contract.Slo;
import com.infrafabric.hostapi.contract.WasiCapability;
import com.infrafabric.llm.destination.DestinationPattern;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.StrictJson;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the JSON form of a contract (see {@code host-api/README.md}). Strict: unknown fields,
 * missing fields and wrong types are refused with the field's path, so a contract means exactly
 * what the publisher signed.
 */
public final class ContractJson {

  private ContractJson() {}

  /**
   * Parses a contract payload given as text.
   *
   * @throws IllegalArgumentException naming the first problem
   */
  public static ServiceContract parse(String json) {
    return parse(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Parses a contract payload exactly as signed: the bytes go through the platform's strict JSON
   * reader (strict UTF-8, no comments, no repeated keys, bounded depth), so a contract cannot mean
   * one thing to the publisher's tools and another to the chassis.
   *
   * @throws IllegalArgumentException naming the first problem
   */
  public static ServiceContract parse(byte[] utf8) {
    Object parsed;
    try {
      parsed = StrictJson.parse(utf8);
    } catch (ApiException e) {
      throw new IllegalArgumentException("contract payload is not strict JSON: " + e.getMessage());
    }
    if (!(parsed instanceof JsonObject root)) {
      throw new IllegalArgumentException("contract payload is not a JSON object");
    }
    JsonFields fields =
        new JsonFields(root, "")
            .only(
                Set.of(
                    "name",
                    "version",
                    "moduleDigest",
                    "capabilities",
                    "limits",
                    "slo",
                    "title",
                    "description",
                    "inputSchema",
                    "outputSchema"));
    return new ServiceContract(
        fields.string("name"),
        fields.string("version"),
        ModuleDigest.parse(fields.string("moduleDigest")),
        capabilities(fields.object("capabilities")),
        limits(fields.object("limits")),
        slo(fields.object("slo")),
        fields.optionalString("title"),
        fields.optionalString("description"),
        schema(fields, "inputSchema"),
        schema(fields, "outputSchema"));
  }

  private static Optional<String> schema(JsonFields fields, String field) {
    return fields
        .optionalObject(field)
        .map(
            schema -> {
              SchemaBounds.check(field, schema);
              return schema.encode();
            });
  }

  private static List<Capability> capabilities(JsonFields fields) {
    List<Capability> capabilities = new ArrayList<>();
    for (String name : fields.fieldNames()) {
      CapabilityKind kind =
          CapabilityKind.ofJsonName(name)
              .orElseThrow(
                  () -> new IllegalArgumentException("capability " + name + " does not exist"));
      capabilities.add(capability(kind, fields.object(name)));
    }
    return capabilities;
  }

  private static Capability capability(CapabilityKind kind, JsonFields fields) {
    return switch (kind) {
      case IO -> {
        fields.only(Set.of());
        yield new IoCapability();
      }
      case LOG -> {
        fields.only(Set.of());
        yield new LogCapability();
      }
      case WASI -> {
        fields.only(Set.of());
        yield new WasiCapability();
      }
      case KV -> {
        fields.only(Set.of("maxBytes", "maxKeys"));
        yield new KvCapability(fields.integer("maxBytes"), fields.intValue("maxKeys"));
      }
      case HTTP -> http(fields);
      case LLM -> {
        fields.only(Set.of("models", "maxCalls", "maxOutputTokens"));
        yield new LlmCapability(
            fields.strings("models"),
            fields.intValue("maxCalls"),
            fields.intValue("maxOutputTokens"));
      }
    };
  }

  private static HttpCapability http(JsonFields fields) {
    fields.only(
        Set.of(
            "allow",
            "maxRequests",
            "connectTimeoutMs",
            "readTimeoutMs",
            "totalTimeoutMs",
            "maxResponseBytes",
            "credentials"));
    List<String> allow = fields.strings("allow");
    for (int i = 0; i < allow.size(); i++) {
      allowEntry(i, allow.get(i));
    }
    return new HttpCapability(
        allow,
        fields.intValue("maxRequests"),
        fields.millis("connectTimeoutMs"),
        fields.millis("readTimeoutMs"),
        fields.millis("totalTimeoutMs"),
        fields.intValue("maxResponseBytes"),
        fields.optionalStrings("credentials"));
  }

  /**
   * An allow-list entry is part of the contract's grammar, checked here rather than only where the
   * chassis holds the contract to its caps: a contract {@link ContractSigner} signs must be one the
   * chassis can take, and the same sentence refuses it in both places.
   */
  private static void allowEntry(int index, String entry) {
    try {
      DestinationPattern.parse(entry);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("http.allow[" + index + "] " + e.getMessage(), e);
    }
  }

  private static ResourceLimits limits(JsonFields fields) {
    fields.only(Set.of("timeoutMs", "cpuTimeMs", "memory", "table", "output", "log", "hostCalls"));
    return new ResourceLimits(
        fields.millis("timeoutMs"),
        fields.millis("cpuTimeMs"),
        fields.object("memory").only(Set.of("maxPages")).intValue("maxPages"),
        fields.object("table").only(Set.of("maxEntries")).intValue("maxEntries"),
        fields.object("output").only(Set.of("maxBytes")).intValue("maxBytes"),
        fields.object("log").only(Set.of("maxBytes")).intValue("maxBytes"),
        fields.object("hostCalls").only(Set.of("max")).intValue("max"));
  }

  private static Slo slo(JsonFields fields) {
    fields.only(Set.of("p99LatencyMs", "successRate"));
    return new Slo(fields.millis("p99LatencyMs"), fields.number("successRate"));
  }
}
