package com.infrafabric.hostapi.contract;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a publisher promises and asks for one version of one tool. A contract only takes effect when
 * signed by a publisher key the operator trusts and when {@link #moduleDigest()} matches the module
 * it is registered with.
 *
 * @param toolName lowercase name, {@code [a-z][a-z0-9-]{0,62}}
 * @param version version label, {@code [0-9A-Za-z][0-9A-Za-z.+-]{0,31}}: it starts with a letter or
 *     digit, so it is never a path segment a URL normalises away ({@code .}, {@code ..})
 * @param moduleDigest SHA-256 of the module this contract is for
 * @param capabilities requested capabilities, at most one per kind
 * @param limits per-invocation resource limits
 * @param slo the publisher's service-level objectives
 * @param title a short name for people, at most {@value #TITLE_MAX_CHARS} characters
 * @param description what the tool does, for people and models choosing a tool, at most {@value
 *     #DESCRIPTION_MAX_CHARS} characters
 * @param inputSchema a JSON Schema (draft 2020-12) of the tool's input, as JSON text: the chassis
 *     refuses input that does not match it before any code runs
 * @param outputSchema a JSON Schema (draft 2020-12) of the tool's output, as JSON text: the chassis
 *     refuses to pass on output that does not match it
 */
public record ServiceContract(
    String toolName,
    String version,
    ModuleDigest moduleDigest,
    List<Capability> capabilities,
    ResourceLimits limits,
    Slo slo,
    Optional<String> title,
    Optional<String> description,
    Optional<String> inputSchema,
    Optional<String> outputSchema) {

  public static final int TITLE_MAX_CHARS = 128;
  public static final int DESCRIPTION_MAX_CHARS = 4096;

  /** The grammar of a tool name, as the contract schema and the error messages state it. */
  public static final String NAME_GRAMMAR = "[a-z][a-z0-9-]{0,62}";

  private static final Pattern NAME = Pattern.compile(NAME_GRAMMAR);

  /** Whether {@code name} is a tool name a contract may carry. */
  public static boolean isToolName(String name) {
    return NAME.matcher(name).matches();
  }

  /** The grammar of a version label, as the contract schema and the error messages state it. */
  public static final String VERSION_GRAMMAR = "[0-9A-Za-z][0-9A-Za-z.+-]{0,31}";

  private static final Pattern VERSION = Pattern.compile(VERSION_GRAMMAR);

  /** Whether {@code version} is a version label a contract may carry. */
  public static boolean isVersion(String version) {
    return VERSION.matcher(version).matches();
  }

  public ServiceContract {
    Objects.requireNonNull(toolName, "toolName");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(moduleDigest, "moduleDigest");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(slo, "slo");
    bounded("title", title, TITLE_MAX_CHARS, false);
    bounded("description", description, DESCRIPTION_MAX_CHARS, true);
    Objects.requireNonNull(inputSchema, "inputSchema");
    Objects.requireNonNull(outputSchema, "outputSchema");
    if (!isToolName(toolName)) {
      throw new IllegalArgumentException("name \"" + toolName + "\" must match " + NAME_GRAMMAR);
    }
    if (!isVersion(version)) {
      throw new IllegalArgumentException(
          "version \"" + version + "\" must match " + VERSION_GRAMMAR);
    }
    capabilities = List.copyOf(capabilities);
    Map<CapabilityKind, Capability> seen = new EnumMap<>(CapabilityKind.class);
    for (Capability capability : capabilities) {
      if (seen.put(capability.kind(), capability) != null) {
        throw new IllegalArgumentException(
            "capability " + capability.kind().jsonName() + " is requested twice");
      }
    }
    if (slo.p99Latency().compareTo(limits.timeout()) > 0) {
      throw new IllegalArgumentException(
          "slo.p99LatencyMs "
              + slo.p99Latency().toMillis()
              + " exceeds limits.timeoutMs "
              + limits.timeout().toMillis());
    }
  }

  /** A contract without title, description or schemas. */
  public ServiceContract(
      String toolName,
      String version,
      ModuleDigest moduleDigest,
      List<Capability> capabilities,
      ResourceLimits limits,
      Slo slo) {
    this(
        toolName,
        version,
        moduleDigest,
        capabilities,
        limits,
        slo,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /** True if the contract grants {@code kind}. */
  public boolean grants(CapabilityKind kind) {
    return capabilities.stream().anyMatch(c -> c.kind() == kind);
  }

  /** The granted capability of type {@code type}, if any. */
  public <C extends Capability> Optional<C> capability(Class<C> type) {
    return capabilities.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  /**
   * A title or description: agents show it to people and to models (MCP's {@code tools/list}), so
   * it may hold no character that displays otherwise than it reads or not at all: control
   * characters (a description keeps its line breaks and tabs), bidirectional overrides and
   * isolates, line and paragraph separators, and the invisible tag characters that can smuggle
   * instructions to a model unseen.
   */
  private static void bounded(
      String field, Optional<String> text, int maxChars, boolean multiline) {
    Objects.requireNonNull(text, field);
    text.filter(t -> t.isBlank() || t.length() > maxChars)
        .ifPresent(
            t -> {
              throw new IllegalArgumentException(
                  field + " must be 1-" + maxChars + " characters and not blank");
            });
    text.flatMap(t -> t.codePoints().filter(c -> hidden(c, multiline)).boxed().findFirst())
        .ifPresent(
            c -> {
              throw new IllegalArgumentException(
                  String.format(
                      "%s holds U+%04X, which displays otherwise than it reads", field, c));
            });
  }

  private static boolean hidden(int c, boolean multiline) {
    if (Character.getType(c) == Character.CONTROL) {
      return !(multiline && (c == '\n' || c == '\t'));
    }
    return (c >= 0x202A && c <= 0x202E) // bidirectional embeddings and overrides
        || (c >= 0x2066 && c <= 0x2069) // bidirectional isolates
        || c == 0x200E
        || c == 0x200F
        || c == 0x061C // directional marks
        || c == 0x2028
        || c == 0x2029 // line and paragraph separators
        || (c >= 0xE0000 && c <= 0xE007F) // tag characters
        || Character.getType(c) == Character.SURROGATE; // half of a pair
  }
}
