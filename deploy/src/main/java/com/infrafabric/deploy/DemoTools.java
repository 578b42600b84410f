package com.infrafabric.deploy;

import com.infrafabric.chassis.publish.ContractSigner;
import com.infrafabric.platform.auth.SigningKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The demo's tools: modules in {@code /demo/*.wasm}, compiled from {@code src/main/wat/demo} when
 * the distribution is built (so the WAT compiler and its dependencies stay out of the production
 * jar), each with the contract its publisher signs. Their allow-lists name the demo's loopback
 * search API, which the operator exempts explicitly ({@code chassis.egress.trustedTargets}) for
 * this run only.
 */
final class DemoTools {

  static final String CREDENTIAL = "search-api-key";
  static final String VERSION = "1.0.0";

  /** The most HTTP requests a demo tool may send, each within {@link #HTTP_TOTAL_TIMEOUT_MS}. */
  static final int HTTP_MAX_REQUESTS = 3;

  static final int HTTP_TOTAL_TIMEOUT_MS = 3_000;

  /** The CPU time that stops the escape tool's endless spin: the limit the demo shows it meets. */
  static final int ESCAPE_CPU_MS = 300;

  /**
   * The escape tool's wall deadline: every HTTP attempt may take its whole timeout, and its CPU
   * limit ten times over in wall time, so that on a loaded machine (a load average of 20 fired a 1
   * s deadline before the tool had tried the metadata service) it makes its attempts and its spin
   * is stopped by the CPU limit, not the clock.
   */
  static final int ESCAPE_TIMEOUT_MS =
      HTTP_MAX_REQUESTS * HTTP_TOTAL_TIMEOUT_MS + 10 * ESCAPE_CPU_MS;

  /** A tool ready to publish: its module, its signed contract and its SHA-256 digest. */
  record Tool(String name, byte[] module, String contract) {
    String digest() {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(module));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK provides SHA-256", e);
      }
    }

    String ref() {
      return name + "@" + VERSION;
    }

    JsonObject registration() {
      return new JsonObject()
          .put("module_base64", Base64.getEncoder().encodeToString(module))
          .put("contract", contract);
    }
  }

  private final SigningKey publisher;
  private final String searchOrigin;

  DemoTools(SigningKey publisher, String searchOrigin) {
    this.publisher = publisher;
    this.searchOrigin = searchOrigin;
  }

  /**
   * Searches with the operator's key, then asks a small model. Its wall time covers both exchanges
   * on a loaded machine (the search alone may take {@value #HTTP_TOTAL_TIMEOUT_MS} ms): at 2 s, ten
   * of twelve tasks ran out of it at a load average of 23, and the demo failed on timing rather
   * than on anything it checks.
   */
  Tool research() {
    JsonObject capabilities =
        new JsonObject()
            .put("io", new JsonObject())
            .put(
                "http",
                http(new JsonArray().add(searchOrigin))
                    .put("credentials", new JsonArray().add(CREDENTIAL)))
            .put("llm", llm("gpt-4o-mini", 2, 256));
    return tool("research", capabilities, 10_000, 1_000, 16);
  }

  /** Tries the metadata service, tries to read the credential back, then spins forever. */
  Tool escape() {
    JsonObject capabilities =
        new JsonObject()
            .put("io", new JsonObject())
            .put("log", new JsonObject())
            .put(
                "http",
                http(new JsonArray().add("http://169.254.169.254:80").add(searchOrigin))
                    .put("credentials", new JsonArray().add(CREDENTIAL)));
    return tool("escape", capabilities, ESCAPE_TIMEOUT_MS, ESCAPE_CPU_MS, 4);
  }

  /** Calls a large model again and again until the host refuses. */
  Tool overspend() {
    JsonObject capabilities =
        new JsonObject().put("io", new JsonObject()).put("llm", llm("gpt-4o", 20, 1024));
    return tool("overspend", capabilities, 5_000, 2_000, 8);
  }

  /**
   * Answers its input; its contract describes it for MCP clients (title, description, input and
   * output schemas), and the demo lists and calls it through the MCP endpoint.
   */
  Tool echo() {
    JsonObject schema =
        new JsonObject()
            .put("type", "object")
            .put("properties", new JsonObject().put("text", new JsonObject().put("type", "string")))
            .put("required", new JsonArray().add("text"));
    JsonObject described =
        new JsonObject()
            .put("title", "Echo")
            .put("description", "Answers {\"text\": ...} with the same text.")
            .put("inputSchema", schema)
            .put("outputSchema", schema);
    return tool("echo", new JsonObject().put("io", new JsonObject()), 500, 100, 2, described);
  }

  /** Imports kv while its contract grants only io. */
  Tool smuggler() {
    return tool("smuggler", new JsonObject().put("io", new JsonObject()), 500, 100, 2);
  }

  private Tool tool(String name, JsonObject capabilities, int timeoutMs, int cpuMs, int pages) {
    return tool(name, capabilities, timeoutMs, cpuMs, pages, new JsonObject());
  }

  private Tool tool(
      String name,
      JsonObject capabilities,
      int timeoutMs,
      int cpuMs,
      int pages,
      JsonObject described) {
    byte[] module = module(name);
    JsonObject contract =
        new JsonObject()
            .put("name", name)
            .put("version", VERSION)
            .put("capabilities", capabilities)
            .put(
                "limits",
                new JsonObject()
                    .put("timeoutMs", timeoutMs)
                    .put("cpuTimeMs", cpuMs)
                    .put("memory", new JsonObject().put("maxPages", pages))
                    .put("table", new JsonObject().put("maxEntries", 64))
                    .put("output", new JsonObject().put("maxBytes", 262_144))
                    .put("log", new JsonObject().put("maxBytes", 4_096))
                    .put("hostCalls", new JsonObject().put("max", 1_000)))
            .put("slo", new JsonObject().put("p99LatencyMs", timeoutMs).put("successRate", 0.99));
    described.forEach(field -> contract.put(field.getKey(), field.getValue()));
    return new Tool(name, module, ContractSigner.sign(module, contract.encode(), publisher));
  }

  private static JsonObject http(JsonArray allow) {
    return new JsonObject()
        .put("allow", allow)
        .put("maxRequests", HTTP_MAX_REQUESTS)
        .put("connectTimeoutMs", 1_000)
        .put("readTimeoutMs", 2_000)
        .put("totalTimeoutMs", HTTP_TOTAL_TIMEOUT_MS)
        .put("maxResponseBytes", 65_536);
  }

  private static JsonObject llm(String model, int maxCalls, int maxOutputTokens) {
    return new JsonObject()
        .put("models", new JsonArray().add(model))
        .put("maxCalls", maxCalls)
        .put("maxOutputTokens", maxOutputTokens);
  }

  private static byte[] module(String name) {
    String path = "/demo/" + name + ".wasm";
    try (InputStream in = DemoTools.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is missing from the distribution");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
