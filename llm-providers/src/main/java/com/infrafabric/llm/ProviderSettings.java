package com.infrafabric.llm;

import com.infrafabric.platform.config.ShownUrl;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One model provider the operator configures: its format, where it is, which of the operator's
 * vault credentials holds its API key, which models it serves, and how hard the host tries. Built
 * with {@link #openAiCompatible}, {@link #anthropic} or {@link #offline} and adjusted with the
 * {@code with...} methods; every value is checked with a message naming it.
 *
 * @param name the provider's name, in logs, metrics and the breaker
 * @param format the wire format
 * @param endpoint base URL ({@code https://api.openai.com}); empty for {@link
 *     ProviderFormat#OFFLINE}
 * @param credential the operator's vault credential holding the API key (no tool can name it); its
 *     header and scheme are used as stored, and its allowed origins must cover {@code endpoint};
 *     empty for offline
 * @param models the models routed to this provider
 * @param timeout bound on one attempt, from connecting to the last response byte
 * @param maxRetries attempts after the first, on timeouts, connection failures, 429 and 5xx; all
 *     attempts of one call share its one reservation
 * @param retryBackoff delay before the first retry, doubled for each next one; a 429's {@code
 *     Retry-After} is honoured up to four times this
 * @param breakerFailures failed calls (after their retries) within a minute without a success that
 *     open a breaker: one tenant's open that tenant's own; the provider's, which refuses every
 *     tenant, takes failures of two tenants at least, no tenant's counting for more than half, and
 *     never a 429 ({@link ProviderGate})
 * @param breakerReset how long a breaker stays open before one trial call is let through
 * @param connectionWait the longest a call waits for a connection to the provider, from the pool or
 *     a new one, before it is refused without being sent (a new connection must be made within four
 *     fifths of it, so a provider that cannot be reached is told apart from a pool that is busy)
 * @param maxConnections the calls in flight to the provider at once on this node, each on its own
 *     connection: the chassis's calls beyond wait for one, at most {@code connectionWait}; the
 *     gateway shares them among tenants, each at most half, and on a full node still admits a
 *     tenant under its fair share, up to twice as many, for which its relay keeps the connections
 */
public record ProviderSettings(
    String name,
    ProviderFormat format,
    Optional<URI> endpoint,
    Optional<String> credential,
    List<String> models,
    Duration timeout,
    int maxRetries,
    Duration retryBackoff,
    int breakerFailures,
    Duration breakerReset,
    Duration connectionWait,
    int maxConnections) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  /**
   * How long a call waits for a connection by default: a pool that stays full for seconds is held
   * by calls that last (streams), and a call queued behind them is better refused at once (503,
   * retry later) than left to wait for a stream to end.
   */
  public static final Duration DEFAULT_CONNECTION_WAIT = Duration.ofSeconds(3);

  /**
   * The connections kept to one provider by default: Vert.x pools only five HTTP/1.1 connections
   * per origin, and a connection carries one call at a time.
   */
  public static final int DEFAULT_MAX_CONNECTIONS = 128;

  public ProviderSettings {
    Objects.requireNonNull(format, "format");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("llm provider name " + name + " must match " + NAME);
    }
    models = List.copyOf(models);
    if (models.isEmpty()) {
      throw new IllegalArgumentException("llm provider " + name + " serves no model");
    }
    boolean offline = format == ProviderFormat.OFFLINE;
    if (offline != endpoint.isEmpty() || offline != credential.isEmpty()) {
      throw new IllegalArgumentException(
          "llm provider "
              + name
              + (offline
                  ? " is offline and takes no endpoint or credential"
                  : " needs an endpoint and a credential"));
    }
    endpoint.ifPresent(uri -> checkEndpoint(name, uri));
    within(name, "timeoutMs", timeout.toMillis(), 1, 600_000);
    within(name, "maxRetries", maxRetries, 0, 10);
    within(name, "retryBackoffMs", retryBackoff.toMillis(), 0, 60_000);
    within(name, "breakerFailures", breakerFailures, 1, 1000);
    within(name, "breakerResetMs", breakerReset.toMillis(), 1, 3_600_000);
    within(name, "connectionWaitMs", connectionWait.toMillis(), 100, 60_000);
    within(name, "maxConnections", maxConnections, 1, 10_000);
  }

  /** An OpenAI-compatible provider: 30 s per attempt, 2 retries from 250 ms, breaker 5 / 30 s. */
  public static ProviderSettings openAiCompatible(
      String name, URI endpoint, String credential, List<String> models) {
    return defaults(name, ProviderFormat.OPENAI_COMPATIBLE, endpoint, credential, models);
  }

  /** An Anthropic Messages provider, with the same defaults. */
  public static ProviderSettings anthropic(
      String name, URI endpoint, String credential, List<String> models) {
    return defaults(name, ProviderFormat.ANTHROPIC, endpoint, credential, models);
  }

  /** The offline provider, named {@code offline}, serving {@code models} without any network. */
  public static ProviderSettings offline(List<String> models) {
    return new ProviderSettings(
        "offline",
        ProviderFormat.OFFLINE,
        Optional.empty(),
        Optional.empty(),
        models,
        Duration.ofSeconds(1),
        0,
        Duration.ZERO,
        5,
        Duration.ofSeconds(30),
        DEFAULT_CONNECTION_WAIT,
        DEFAULT_MAX_CONNECTIONS);
  }

  public ProviderSettings withTimeout(Duration value) {
    return new ProviderSettings(
        name,
        format,
        endpoint,
        credential,
        models,
        value,
        maxRetries,
        retryBackoff,
        breakerFailures,
        breakerReset,
        connectionWait,
        maxConnections);
  }

  public ProviderSettings withRetries(int retries, Duration backoff) {
    return new ProviderSettings(
        name,
        format,
        endpoint,
        credential,
        models,
        timeout,
        retries,
        backoff,
        breakerFailures,
        breakerReset,
        connectionWait,
        maxConnections);
  }

  public ProviderSettings withBreaker(int failures, Duration reset) {
    return new ProviderSettings(
        name,
        format,
        endpoint,
        credential,
        models,
        timeout,
        maxRetries,
        retryBackoff,
        failures,
        reset,
        connectionWait,
        maxConnections);
  }

  /** The same provider with {@code wait} for a connection and {@code connections} kept to it. */
  public ProviderSettings withConnections(Duration wait, int connections) {
    return new ProviderSettings(
        name,
        format,
        endpoint,
        credential,
        models,
        timeout,
        maxRetries,
        retryBackoff,
        breakerFailures,
        breakerReset,
        wait,
        connections);
  }

  /** The longest one call can take with every retry: what its reservation must outlive. */
  public Duration worstCase() {
    Duration backoff = retryBackoff.multipliedBy(4L * maxRetries);
    return timeout.multipliedBy(maxRetries + 1L).plus(backoff);
  }

  private static ProviderSettings defaults(
      String name, ProviderFormat format, URI endpoint, String credential, List<String> models) {
    return new ProviderSettings(
        name,
        format,
        Optional.of(endpoint),
        Optional.of(credential),
        models,
        Duration.ofSeconds(30),
        2,
        Duration.ofMillis(250),
        5,
        Duration.ofSeconds(30),
        DEFAULT_CONNECTION_WAIT,
        DEFAULT_MAX_CONNECTIONS);
  }

  private static void checkEndpoint(String name, URI uri) {
    boolean web = "https".equals(uri.getScheme()) || "http".equals(uri.getScheme());
    if (!web || uri.getHost() == null || uri.getRawQuery() != null || uri.getUserInfo() != null) {
      throw new IllegalArgumentException(
          "llm provider "
              + name
              + " endpoint "
              + ShownUrl.of(uri)
              + " must be an http(s) URL without user info or query");
    }
  }

  private static void within(String name, String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "llm provider " + name + " " + field + " " + value + " is outside " + min + ".." + max);
    }
  }
}
