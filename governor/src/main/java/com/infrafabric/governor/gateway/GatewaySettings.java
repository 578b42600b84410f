package com.infrafabric.governor.gateway;

import com.infrafabric.llm.ProviderFormat;
import com.infrafabric.llm.ProviderSettings;
import com.infrafabric.llm.vault.MasterKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The LLM gateway's configuration: the providers it calls, the aliases clients may name, and the
 * bounds of one call. Read by {@code GovernorSettings.from}; every value is checked with a message
 * naming its key.
 *
 * @param providers the upstream providers and the models each serves (a model has one provider)
 * @param aliases each alias's models in the order they are tried: the first, then each fallback on
 *     a 429, a 5xx, a timeout or an open breaker; a served model is also its own alias
 * @param masterKeys opens the operator's provider keys in the vault; empty: only offline providers
 * @param defaultMaxOutputTokens the output bound priced and sent upstream when a call names none
 * @param maxOutputTokens the largest output bound a call may ask for
 * @param maxStreamDuration how long one answer, streamed or whole, may take to read before it is
 *     cut (a provider's {@code timeout} bounds each of its silences, never the whole answer)
 * @param maxAnswerBytes the largest answer relayed (a non-streamed body, or a stream in total)
 * @param applyDowngrades true to follow the tenant policy's downgrade advice (and say so in the
 *     {@code x-governor-model-downgrade} header); false to only report it
 * @param keyCacheTtl how long a node serves a virtual key it found live without reading its record
 *     again, so how late a rotation or revocation made elsewhere may hold on it (at most a second:
 *     the bound on revocation); zero reads the record on every call
 * @param allowedAnthropicBetas the {@code anthropic-beta} flags a call may send, which the operator
 *     knows do not make Anthropic bill it past the worst case the gateway reserves; any other flag
 *     is refused ({@link AnthropicHeaders}), as a flag may change how a call is billed (a longer
 *     context at premium rates). Empty by default: no flag is served.
 * @param answerWait how long a client whose call has its outcome (the provider's answer read, or
 *     its failure known) waits for the store to confirm the call's charge: past it the client is
 *     answered all the same, with {@code x-governor-charge: pending}, and the charge is retried in
 *     the background. The money is reserved before the provider is called, so no cap is overspent
 *     while the charge is pending: the commit only lowers the hold to what the call cost.
 */
public record GatewaySettings(
    List<ProviderSettings> providers,
    Map<String, List<String>> aliases,
    Optional<MasterKeys> masterKeys,
    long defaultMaxOutputTokens,
    long maxOutputTokens,
    Duration maxStreamDuration,
    long maxAnswerBytes,
    boolean applyDowngrades,
    Duration keyCacheTtl,
    Set<String> allowedAnthropicBetas,
    Duration answerWait) {

  /** The longest {@link #keyCacheTtl}: the issue wants a revocation to hold within one second. */
  public static final Duration MAX_KEY_CACHE_TTL = Duration.ofSeconds(1);

  /** The longest {@link #answerWait}: a client's own timeout is often a minute. */
  public static final Duration MAX_ANSWER_WAIT = Duration.ofSeconds(30);

  /** An alias or model name as clients send it. */
  static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}");

  /** An {@code anthropic-beta} flag's name, such as {@code token-efficient-tools-2025-02-19}. */
  static final Pattern BETA = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** No provider: the gateway's routes answer that no model is served. */
  public static final GatewaySettings NONE =
      new GatewaySettings(
          List.of(),
          Map.of(),
          Optional.empty(),
          4096,
          32_768,
          Duration.ofMinutes(10),
          16L << 20,
          true,
          Duration.ofMillis(500),
          Set.of(),
          Duration.ofSeconds(3));

  public GatewaySettings {
    providers = List.copyOf(providers);
    Objects.requireNonNull(masterKeys, "masterKeys");
    Map<String, List<String>> copied = new LinkedHashMap<>();
    aliases.forEach((alias, models) -> copied.put(alias, List.copyOf(models)));
    aliases = java.util.Collections.unmodifiableMap(copied);
    within("gateway.maxOutputTokens", maxOutputTokens, 1, 10_000_000);
    within("gateway.defaultMaxOutputTokens", defaultMaxOutputTokens, 1, maxOutputTokens);
    within("gateway.maxStreamDurationMs", maxStreamDuration.toMillis(), 1_000, 3_600_000);
    within("gateway.maxAnswerBytes", maxAnswerBytes, 1024, 1L << 30);
    if (keyCacheTtl.isNegative() || keyCacheTtl.compareTo(MAX_KEY_CACHE_TTL) > 0) {
      throw new IllegalArgumentException(
          "gateway.keyCacheTtl "
              + keyCacheTtl.toMillis()
              + " ms is outside 0.."
              + MAX_KEY_CACHE_TTL.toMillis()
              + " ms");
    }
    within("gateway.answerWaitMs", answerWait.toMillis(), 0, MAX_ANSWER_WAIT.toMillis());
    checkAliases(providers, aliases, masterKeys);
    allowedAnthropicBetas = Set.copyOf(allowedAnthropicBetas);
    for (String beta : allowedAnthropicBetas) {
      if (!BETA.matcher(beta).matches()) {
        throw new IllegalArgumentException(
            "gateway.anthropic.allowedBetas entry " + beta + " must match " + BETA.pattern());
      }
    }
  }

  /**
   * Parses {@code gateway.aliases}: entries {@code alias=model>fallback>...}, e.g. {@code
   * smart=gpt-4o>claude-sonnet-4}.
   */
  public static Map<String, List<String>> parseAliases(List<String> entries) {
    Map<String, List<String>> aliases = new LinkedHashMap<>();
    for (String entry : entries) {
      int equals = entry.indexOf('=');
      if (equals < 1) {
        throw new IllegalArgumentException(
            "gateway.aliases entry " + entry + " must be alias=model>fallback>...");
      }
      String alias = entry.substring(0, equals).strip();
      List<String> models = new ArrayList<>();
      for (String model : entry.substring(equals + 1).split(">")) {
        models.add(model.strip());
      }
      if (aliases.put(alias, models) != null) {
        throw new IllegalArgumentException("gateway.aliases names " + alias + " twice");
      }
    }
    return aliases;
  }

  private static void checkAliases(
      List<ProviderSettings> providers,
      Map<String, List<String>> aliases,
      Optional<MasterKeys> masterKeys) {
    aliases.forEach(
        (alias, models) -> {
          if (!MODEL.matcher(alias).matches()) {
            throw new IllegalArgumentException(
                "gateway.aliases alias " + alias + " must match " + MODEL.pattern());
          }
          if (models.isEmpty()) {
            throw new IllegalArgumentException(
                "gateway.aliases alias " + alias + " names no model");
          }
          for (String model : models) {
            if (providers.stream().noneMatch(p -> p.models().contains(model))) {
              throw new IllegalArgumentException(
                  "gateway.aliases alias "
                      + alias
                      + " names "
                      + model
                      + ", which no provider serves");
            }
          }
        });
    for (ProviderSettings provider : providers) {
      if (provider.format() != ProviderFormat.OFFLINE && masterKeys.isEmpty()) {
        throw new IllegalArgumentException(
            "gateway.llm."
                + provider.name()
                + ".credential needs the vault's master keys: set gateway.vault.masterKeysFile");
      }
    }
  }

  private static void within(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(key + " " + value + " is outside " + min + ".." + max);
    }
  }
}
