package com.infrafabric.chassis.service;

import com.infrafabric.hostapi.contract.HttpCapability;
import com.infrafabric.llm.ProviderSettings;
import com.infrafabric.platform.config.Config;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the model providers that serve {@code llm_complete}:
 *
 * <pre>
 * chassis.llm.offlineModels        models the offline provider answers, without any network
 *                                  (deterministic text; for development and tests)
 * chassis.llm.openai.endpoint      base URL of an OpenAI-compatible server (https://api.openai.com)
 * chassis.llm.openai.credential    the operator's vault credential holding its API key
 * chassis.llm.openai.models        the models it serves
 * chassis.llm.openai.timeout (30s), .maxRetries (2), .retryBackoff (250ms),
 *     .breakerFailures (5), .breakerReset (30s)      how hard the host tries
 * chassis.llm.anthropic.*          the same for the Anthropic Messages API
 * </pre>
 *
 * Lists are comma-separated. A hosted provider is configured by its endpoint, credential and models
 * together; each model has one provider, so a model named twice is refused with both keys.
 */
final class ProviderSettingsReader {

  static final String OFFLINE_MODELS = "chassis.llm.offlineModels";
  private static final String PREFIX = "chassis.llm.";

  private final Config config;
  private final Map<String, String> servedBy = new HashMap<>();

  private ProviderSettingsReader(Config config) {
    this.config = config;
  }

  static List<ProviderSettings> providers(Config config) {
    return new ProviderSettingsReader(config).read();
  }

  private List<ProviderSettings> read() {
    List<ProviderSettings> providers = new ArrayList<>();
    List<String> offline = config.list(OFFLINE_MODELS);
    if (!offline.isEmpty()) {
      claim(OFFLINE_MODELS, offline);
      providers.add(ProviderSettings.offline(offline));
    }
    hosted("openai", ProviderSettings::openAiCompatible).ifPresent(providers::add);
    hosted("anthropic", ProviderSettings::anthropic).ifPresent(providers::add);
    return List.copyOf(providers);
  }

  /** {@link ProviderSettings#openAiCompatible} or {@link ProviderSettings#anthropic}. */
  private interface Format {
    ProviderSettings create(String name, URI endpoint, String credential, List<String> models);
  }

  /** The provider {@code chassis.llm.<name>.*} configures, if any key of it is set. */
  private Optional<ProviderSettings> hosted(String name, Format format) {
    String prefix = PREFIX + name + '.';
    boolean configured =
        config.optional(prefix + "endpoint").isPresent()
            || config.optional(prefix + "credential").isPresent()
            || config.optional(prefix + "models").isPresent();
    if (!configured) {
      return Optional.empty();
    }
    URI endpoint = endpoint(prefix);
    String credential = credential(prefix);
    config.required(prefix + "models");
    List<String> models = config.list(prefix + "models");
    claim(prefix + "models", models);
    ProviderSettings defaults;
    try {
      defaults = format.create(name, endpoint, credential, models);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PREFIX + name + ": " + e.getMessage(), e);
    }
    return Optional.of(tuned(prefix, defaults));
  }

  private URI endpoint(String prefix) {
    String text = config.required(prefix + "endpoint");
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(prefix + "endpoint " + text + " is not a URL");
    }
  }

  private String credential(String prefix) {
    String name = config.required(prefix + "credential");
    if (!HttpCapability.CREDENTIAL_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          prefix
              + "credential "
              + name
              + " must match "
              + HttpCapability.CREDENTIAL_NAME.pattern());
    }
    return name;
  }

  private ProviderSettings tuned(String prefix, ProviderSettings defaults) {
    return defaults
        .withTimeout(
            OperatorSettingsReader.millis(
                config, prefix + "timeout", defaults.timeout(), 1, 600_000))
        .withRetries(
            (int) config.integer(prefix + "maxRetries", defaults.maxRetries(), 0, 10),
            OperatorSettingsReader.millis(
                config, prefix + "retryBackoff", defaults.retryBackoff(), 0, 60_000))
        .withBreaker(
            (int) config.integer(prefix + "breakerFailures", defaults.breakerFailures(), 1, 1000),
            OperatorSettingsReader.millis(
                config, prefix + "breakerReset", defaults.breakerReset(), 1, 3_600_000));
  }

  /** Records that {@code key} serves {@code models}; a model another key serves is refused. */
  private void claim(String key, List<String> models) {
    for (String model : models) {
      String earlier = servedBy.putIfAbsent(model, key);
      if (earlier != null) {
        throw new IllegalArgumentException(
            key
                + " names "
                + model
                + ", which "
                + earlier
                + " already serves; a model has one provider");
      }
    }
  }
}
