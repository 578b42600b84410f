package com.infrafabric.governor.events;

import com.infrafabric.platform.config.ShownUrl;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where budget events are delivered and how hard we try.
 *
 * @param urls endpoints every event is POSTed to; none means delivery is off
 * @param secret HMAC-SHA256 key receivers verify signatures with; required when urls are set
 * @param timeout per request, connect to last byte
 * @param firstRetry wait before the first retry; each further retry waits twice as long
 * @param maxAttempts attempts before an event is moved to the tenant's dead-letter stream
 */
public record WebhookSettings(
    List<URI> urls, String secret, Duration timeout, Duration firstRetry, int maxAttempts) {

  public static final WebhookSettings NONE =
      new WebhookSettings(List.of(), null, Duration.ofSeconds(5), Duration.ofSeconds(5), 8);

  public WebhookSettings {
    urls = List.copyOf(urls);
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(firstRetry, "firstRetry");
    for (URI url : urls) {
      if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme())) {
        throw new IllegalArgumentException(
            "webhooks.urls entry " + ShownUrl.of(url) + " must be an http:// or https:// URL");
      }
    }
    if (!urls.isEmpty() && (secret == null || secret.length() < 16)) {
      throw new IllegalArgumentException(
          "webhooks.secret must be at least 16 characters when webhooks.urls is set");
    }
    if (maxAttempts < 1 || maxAttempts > 100) {
      throw new IllegalArgumentException(
          "webhooks.maxAttempts " + maxAttempts + " is outside 1..100");
    }
  }

  public boolean enabled() {
    return !urls.isEmpty();
  }

  /** How long to wait after {@code attempts} failed deliveries before trying again. */
  Duration backoff(long attempts) {
    long factor = 1L << Math.min(20, Math.max(0, attempts - 1));
    return firstRetry.multipliedBy(factor);
  }

  /**
   * The longest one delivery attempt of an event may take: every URL is posted to at once, each
   * bounded by {@code timeout} to connect and {@code timeout} for the answer.
   */
  Duration deliveryDeadline() {
    return timeout.multipliedBy(2);
  }

  /**
   * How long a pending event must have been idle before a node may claim it for its next attempt,
   * after {@code attempts} failed ones: the backoff, and never less than the delivery deadline, so
   * that no node retries an event another node is still sending.
   */
  Duration claimAfter(long attempts) {
    Duration backoff = backoff(attempts);
    return backoff.compareTo(deliveryDeadline()) >= 0 ? backoff : deliveryDeadline();
  }

  @Override
  public String toString() {
    return "WebhookSettings[urls="
        + urls.stream().map(ShownUrl::of).toList()
        + ", secret=***, timeout="
        + timeout
        + "]";
  }
}
