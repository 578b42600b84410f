package com.infrafabric.governor.keys;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.Scope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A virtual API key as the gateway sees it once the presented secret matched: where its calls are
 * charged, what it may call and how fast. The secret itself is never part of it.
 *
 * @param id the key's id, {@code k} and 20 hex digits; unique within its tenant, not secret
 * @param scope the budget scope every call made with the key is charged to
 * @param allowedModels the models or aliases the key may call, 1 to {@value #MAX_MODELS}; {@value
 *     #ANY_MODEL} allows every model
 * @param requestsPerMinute requests a minute across every node, 1..{@value #MAX_RATE}
 * @param tokensPerMinute tokens (input and output) a minute across every node, 1..{@value
 *     #MAX_RATE}
 * @param metadata the admin's labels, at most {@value #MAX_METADATA} entries
 * @param expiresAt the instant from which the key no longer authenticates, or null for never
 */
public record VirtualKey(
    String id,
    Scope scope,
    Set<String> allowedModels,
    long requestsPerMinute,
    long tokensPerMinute,
    Map<String, String> metadata,
    Instant expiresAt) {

  /** The allowed-model entry that allows every model. */
  public static final String ANY_MODEL = "*";

  public static final int MAX_MODELS = 64;
  public static final int MAX_METADATA = 16;
  public static final int MAX_METADATA_VALUE_BYTES = 256;

  /** The largest rpm or tpm: what one token bucket can hold. */
  public static final long MAX_RATE = 1_000_000_000L;

  static final Pattern ID = Pattern.compile("k[0-9a-f]{20}");
  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}");
  private static final Pattern LABEL = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");
  private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7e]*");

  /** Whether {@code id} is a key id as the governor makes them. */
  public static boolean isId(String id) {
    return ID.matcher(id).matches();
  }

  public VirtualKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(scope, "scope");
    if (!isId(id)) {
      throw invalid("id", "key id must be k and 20 hex digits");
    }
    allowedModels = Set.copyOf(allowedModels);
    metadata = Map.copyOf(metadata);
    checkModels(allowedModels);
    checkRate("requests_per_minute", requestsPerMinute);
    checkRate("tokens_per_minute", tokensPerMinute);
    checkMetadata(metadata);
  }

  /** The tenant the key belongs to: its scope's root. */
  public String tenant() {
    return scope.tenant();
  }

  /** True if the key may call {@code model}. */
  public boolean allows(String model) {
    return allowedModels.contains(ANY_MODEL) || allowedModels.contains(model);
  }

  /** True if the key no longer authenticates at {@code now}. */
  public boolean expiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  private static void checkModels(Set<String> models) {
    if (models.isEmpty() || models.size() > MAX_MODELS) {
      throw invalid("allowed_models", "allowed_models must list 1 to " + MAX_MODELS + " models");
    }
    for (String model : models) {
      if (!model.equals(ANY_MODEL) && !MODEL.matcher(model).matches()) {
        throw invalid(
            "allowed_models",
            "each allowed model must be * or 1-128 characters of A-Z a-z 0-9 . _ : / @ -");
      }
    }
  }

  private static void checkRate(String field, long perMinute) {
    if (perMinute < 1 || perMinute > MAX_RATE) {
      throw invalid(field, field + " " + perMinute + " is outside 1.." + MAX_RATE);
    }
  }

  private static void checkMetadata(Map<String, String> metadata) {
    if (metadata.size() > MAX_METADATA) {
      throw invalid("metadata", "metadata holds at most " + MAX_METADATA + " entries");
    }
    metadata.forEach(
        (name, value) -> {
          if (!LABEL.matcher(name).matches()) {
            throw invalid("metadata", "metadata names must be 1-64 characters of a-z 0-9 _ . -");
          }
          if (!PRINTABLE.matcher(value).matches()
              || value.getBytes(StandardCharsets.UTF_8).length > MAX_METADATA_VALUE_BYTES) {
            throw invalid(
                "metadata",
                "metadata."
                    + name
                    + " must be printable ASCII of at most "
                    + MAX_METADATA_VALUE_BYTES
                    + " characters");
          }
        });
  }

  private static GovernorException invalid(String field, String message) {
    return new GovernorException(ErrorCode.INVALID_REQUEST, message, Map.of("field", field));
  }
}
