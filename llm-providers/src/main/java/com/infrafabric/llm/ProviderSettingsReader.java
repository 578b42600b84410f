package com.infrafabric.llm;

import com.infrafabric.hostapi.contract.HttpCapability;
import com.infrafabric.platform.config.Config;
import com.infrafabric.platform.config.ShownUrl;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the model providers a service calls, under the service's prefix ({@code chassis.llm.} for
 * the chassis's {@code llm_complete}, {@code gateway.llm.} for the governor's gateway):
 *
 * <pre>
 * chassis.llm.offlineModels        models the offline provider answers, without any network
 *                                  (deterministic text; for development and tests)
 * chassis.llm.openai.endpoint      base URL of an OpenAI-compatible server (https://api.openai.com)
 * chassis.llm.openai.credential    the operator's vault credential holding its API key
 * chassis.llm.openai.models        the models it serves
 * chassis.llm.openai.timeout (30s), .maxRetries (2), .retryBackoff (250ms),
 *     .breakerFailures (5), .breakerReset (30s)      how hard the host tries
 * chassis.llm.openai.connectionWait (3s), .maxConnections (128)
 *                                  the connections kept to it, and how long a call waits for one
 * chassis.llm.anthropic.*          the same for the Anthropic Messages API
 * </pre>
 *
 * Lists are comma-separated. A hosted provider is configured by its endpoint, credential and models
 * together; each model has one provider, so a model named twice is refused with both keys.
 */
public final class ProviderSettingsReader {

  private final Config config;
  private final String prefix;
  private final Map<String, String> servedBy = new HashMap<>();

  private ProviderSettingsReader(Config config, String prefix) {
    this.config = config;
    this.prefix = prefix;
  }

  /**
   * The providers configured under {@code prefix} (ending with a dot, e.g. {@code chassis.llm.}).
   *
   * @throws IllegalArgumentException naming the key of a missing or invalid value
   */
  public static List<ProviderSettings> providers(Config config, String prefix) {
    return new ProviderSettingsReader(config, prefix).read();
  }

  private List<ProviderSettings> read() {
    List<ProviderSettings> providers = new ArrayList<>();
    String offlineKey = prefix + "offlineModels";
    List<String> offline = config.list(offlineKey);
    if (!offline.isEmpty()) {
      claim(offlineKey, offline);
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

  /** The provider {@code <prefix><name>.*} configures, if any key of it is set. */
  private Optional<ProviderSettings> hosted(String name, Format format) {
    String prefix = this.prefix + name + '.';
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
      throw new IllegalArgumentException(this.prefix + name + ": " + e.getMessage(), e);
    }
    return Optional.of(tuned(prefix, defaults));
  }

  private URI endpoint(String prefix) {
    String text = config.required(prefix + "endpoint");
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(prefix + "endpoint is " + ShownUrl.of(text));
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
        .withTimeout(millis(prefix + "timeout", defaults.timeout(), 1, 600_000))
        .withRetries(
            (int) config.integer(prefix + "maxRetries", defaults.maxRetries(), 0, 10),
            millis(prefix + "retryBackoff", defaults.retryBackoff(), 0, 60_000))
        .withBreaker(
            (int) config.integer(prefix + "breakerFailures", defaults.breakerFailures(), 1, 1000),
            millis(prefix + "breakerReset", defaults.breakerReset(), 1, 3_600_000))
        .withConnections(
            millis(prefix + "connectionWait", defaults.connectionWait(), 100, 60_000),
            (int) config.integer(prefix + "maxConnections", defaults.maxConnections(), 1, 10_000));
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

  private Duration millis(String key, Duration defaultValue, long minMillis, long maxMillis) {
    Duration value = config.duration(key, defaultValue);
    if (value.toMillis() < minMillis || value.toMillis() > maxMillis) {
      throw new IllegalArgumentException(
          key + " " + value.toMillis() + " ms is outside " + minMillis + ".." + maxMillis + " ms");
    }
    return value;
  }
}
