package com.infrafabric.platform.config;

import com.infrafabric.platform.auth.JwtAuthenticator;
import com.infrafabric.platform.auth.JwtSettings;
import com.infrafabric.platform.http.AdmissionSettings;
import com.infrafabric.platform.http.ConnectionLimits;
import com.infrafabric.platform.http.CorsSettings;
import com.infrafabric.platform.http.HttpService;
import com.infrafabric.platform.http.HttpSettings;
import com.infrafabric.platform.http.ScrapeToken;
import com.infrafabric.platform.ratelimit.RateLimit;
import com.infrafabric.platform.ratelimit.RateLimitPolicy;
import com.infrafabric.platform.ratelimit.RateLimiter;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings every service reads the same way: HTTP bounds, token verification, rate limits and
 * an optional Redis URL. Keys and their environment variables:
 *
 * <pre>
 * http.host                 IF_HTTP_HOST                  127.0.0.1
 * http.port                 IF_HTTP_PORT                  8080 (1..65535)
 * http.maxBodyBytes         IF_HTTP_MAX_BODY_BYTES        1048576
 * http.maxInFlight          IF_HTTP_MAX_IN_FLIGHT         256
 * http.bodyGrace / .minBodyBytesPerSecond / .maxBodyTime   5s / 16384 / 2m: how long a body may take
 * http.bodyBytesInFlight    IF_HTTP_BODY_BYTES_IN_FLIGHT  a sixteenth of the heap (1 MiB..16 GiB)
 * http.idleTimeout          IF_HTTP_IDLE_TIMEOUT          60s
 * http.shutdownGrace        IF_HTTP_SHUTDOWN_GRACE        10s (1ms..10m)
 * http.readinessDeadline    IF_HTTP_READINESS_DEADLINE    2s
 * http.eventLoops           IF_HTTP_EVENT_LOOPS           half the cores, at least 1 (1..256)
 * http.cors.allowedOrigins  IF_HTTP_CORS_ALLOWED_ORIGINS  (empty: CORS off)
 * http.admission.initialLimit / .minLimit / .maxLimit   16 / 4 / 64 (IF_HTTP_ADMISSION_MIN_LIMIT ...)
 * http.admission.targetLatency IF_HTTP_ADMISSION_TARGET_LATENCY 4ms
 * http.admission.retryAfter IF_HTTP_ADMISSION_RETRY_AFTER 1s
 * auth.jwksFile             IF_AUTH_JWKS_FILE             required
 * auth.issuer               IF_AUTH_ISSUER                required
 * auth.audience             IF_AUTH_AUDIENCE              required
 * auth.algorithm            IF_AUTH_ALGORITHM             ES256
 * auth.clockSkew            IF_AUTH_CLOCK_SKEW            30s
 * auth.jwksRefresh          IF_AUTH_JWKS_REFRESH          60s
 * auth.rolesClaim           IF_AUTH_ROLES_CLAIM           roles
 * auth.maxTokenLifetime     IF_AUTH_MAX_TOKEN_LIFETIME    24h (iat, or now, to exp)
 * ratelimit.capacity        IF_RATELIMIT_CAPACITY         the service's default bucket (100)
 * ratelimit.refillTokens    IF_RATELIMIT_REFILL_TOKENS    = capacity
 * ratelimit.refillPeriod    IF_RATELIMIT_REFILL_PERIOD    the service's (1m)
 * ratelimit.roles           IF_RATELIMIT_ROLES            roles with their own limit besides the
 *                                                         service's own, e.g. admin
 * ratelimit.role.R.capacity / .refillTokens / .refillPeriod   IF_RATELIMIT_ROLE_R_CAPACITY ...
 * redis.url                 IF_REDIS_URL                  optional, secret (redis://:password@host:port)
 * metrics.scrapeToken       IF_METRICS_SCRAPE_TOKEN       optional, secret, 32+ characters
 * </pre>
 *
 * <p>A second service in the same process reads its own {@code http.*} and {@code ratelimit.*} keys
 * under a prefix (see {@link #from(Config, String, String, HttpSettings)}) and shares the rest.
 *
 * @param http the HTTP bounds
 * @param auth token verification
 * @param rateLimits per-principal limits, keyed under the service name
 * @param redis the Redis server, if one is configured rather than embedded
 * @param scrapeToken a static token a Prometheus scraper may present for {@code /metrics}
 */
public record PlatformSettings(
    HttpSettings http,
    JwtSettings auth,
    RateLimitPolicy rateLimits,
    Optional<RedisEndpoint> redis,
    Optional<ScrapeToken> scrapeToken) {

  /** Settings without a scrape token: {@code /metrics} takes a JWT only. */
  public PlatformSettings(
      HttpSettings http,
      JwtSettings auth,
      RateLimitPolicy rateLimits,
      Optional<RedisEndpoint> redis) {
    this(http, auth, rateLimits, redis, Optional.empty());
  }

  /** The rate limit of a service that documents no buckets of its own: 100 a minute each. */
  public static final RateLimit DEFAULT_RATE_LIMIT = RateLimit.perMinute(100);

  /**
   * The longest drain a service may be given: a stop timeout (systemd, Kubernetes) has to cover
   * both services' graces, so a grace of hours would only ever end in SIGKILL.
   */
  public static final Duration MAX_GRACE = Duration.ofMinutes(10);

  /**
   * Reads and validates every platform key of a service with no rate-limit buckets of its own.
   *
   * @param service the service name, used as the rate-limit key prefix (e.g. {@code governor})
   * @throws IllegalArgumentException naming the first bad key; never echoing a secret
   */
  public static PlatformSettings from(Config config, String service) {
    return from(config, RateLimitPolicy.uniform(service, DEFAULT_RATE_LIMIT));
  }

  /**
   * Reads and validates every platform key; unset rate-limit keys keep {@code rateLimits}, the
   * service's documented buckets (its key prefix names the service).
   *
   * @throws IllegalArgumentException naming the first bad key; never echoing a secret
   */
  public static PlatformSettings from(Config config, RateLimitPolicy rateLimits) {
    return from(config, rateLimits, "", HttpSettings.defaults());
  }

  /**
   * Reads the settings of a second service in the same process: its {@code http.*} and {@code
   * ratelimit.*} keys under {@code keyPrefix} ({@code chassis.} reads {@code chassis.http.port},
   * overridden by {@code IF_CHASSIS_HTTP_PORT}), with {@code httpDefaults} for unset HTTP keys and
   * {@code rateLimits} for unset rate-limit keys. Token verification ({@code auth.*}) and {@code
   * redis.url} are shared by every service.
   *
   * @throws IllegalArgumentException naming the first bad key, prefix included
   */
  public static PlatformSettings from(
      Config config, RateLimitPolicy rateLimits, String keyPrefix, HttpSettings httpDefaults) {
    return new PlatformSettings(
        http(config, keyPrefix + "http.", httpDefaults),
        auth(config),
        rateLimits(config, keyPrefix + "ratelimit", rateLimits),
        redis(config),
        config
            .secret(keyPrefix + "metrics.scrapeToken")
            .map(token -> ScrapeToken.of(keyPrefix + "metrics.scrapeToken", token)));
  }

  /**
   * An HTTP service builder set up from these settings: its bounds, a JWT authenticator, rate
   * limits per principal shared through {@code redis}, and {@code meters} (scraped at {@code
   * /metrics}). The service adds its readiness checks, error translation and routes.
   */
  public HttpService.Builder httpService(
      Vertx vertx, RedisStore redis, PrometheusMeterRegistry meters, Clock clock) {
    return HttpService.builder(vertx)
        .settings(http)
        .authenticator(JwtAuthenticator.create(vertx, auth, clock))
        .rateLimiter(RateLimiter.create(redis, rateLimits, clock, meters))
        .meters(meters)
        .scrapeToken(scrapeToken);
  }

  private static HttpSettings http(Config config, String prefix, HttpSettings defaults) {
    return new HttpSettings(
        config.string(prefix + "host", defaults.host()),
        (int) config.integer(prefix + "port", defaults.port(), 1, 65_535),
        config.integer(prefix + "maxBodyBytes", defaults.maxBodyBytes(), 1, 64L * 1024 * 1024),
        (int) config.integer(prefix + "maxInFlight", defaults.maxInFlight(), 1, 100_000),
        config.duration(prefix + "idleTimeout", defaults.idleTimeout()),
        config.duration(
            prefix + "shutdownGrace", defaults.shutdownGrace(), Duration.ofMillis(1), MAX_GRACE),
        config.duration(prefix + "readinessDeadline", defaults.readinessDeadline()),
        new CorsSettings(config.list(prefix + "cors.allowedOrigins")),
        connections(config, prefix, defaults.connections()),
        admission(config, prefix + "admission.", defaults.admission()),
        (int)
            config.integer(
                prefix + "eventLoops", defaults.eventLoops(), 1, HttpSettings.MAX_EVENT_LOOPS));
  }

  private static AdmissionSettings admission(
      Config config, String prefix, AdmissionSettings defaults) {
    return new AdmissionSettings(
        (int) config.integer(prefix + "initialLimit", defaults.initialLimit(), 1, 10_000),
        (int) config.integer(prefix + "minLimit", defaults.minLimit(), 1, 10_000),
        (int) config.integer(prefix + "maxLimit", defaults.maxLimit(), 1, 10_000),
        config.duration(prefix + "targetLatency", defaults.targetLatency()),
        config.duration(prefix + "retryAfter", defaults.retryAfter()));
  }

  private static ConnectionLimits connections(
      Config config, String prefix, ConnectionLimits defaults) {
    return new ConnectionLimits(
        (int)
            config.integer(
                prefix + "maxUnauthenticatedConnections",
                defaults.maxUnauthenticated(),
                1,
                100_000),
        config.duration(prefix + "authenticationDeadline", defaults.authenticationDeadline()),
        config.duration(prefix + "bodyGrace", defaults.bodyGrace()),
        config.integer(
            prefix + "minBodyBytesPerSecond", defaults.minBodyBytesPerSecond(), 1, 1L << 30),
        config.duration(prefix + "maxBodyTime", defaults.maxBodyTime()),
        config.integer(
            prefix + "bodyBytesInFlight",
            defaults.bodyBytesInFlight(),
            ConnectionLimits.MIN_BODY_BYTES_IN_FLIGHT,
            ConnectionLimits.MAX_BODY_BYTES_IN_FLIGHT),
        (int)
            config.integer(
                prefix + "maxUnauthenticatedConnectionsPerSource",
                defaults.maxUnauthenticatedPerSource(),
                1,
                100_000),
        (int) config.integer(prefix + "maxConnections", defaults.maxConnections(), 2, 1_000_000));
  }

  private static JwtSettings auth(Config config) {
    return new JwtSettings(
        Path.of(config.required("auth.jwksFile")),
        config.required("auth.issuer"),
        config.required("auth.audience"),
        config.string("auth.algorithm", "ES256"),
        config.duration("auth.clockSkew", JwtSettings.DEFAULT_CLOCK_SKEW),
        config.duration("auth.jwksRefresh", JwtSettings.DEFAULT_JWKS_REFRESH),
        config.string("auth.rolesClaim", "roles"),
        config.duration("auth.maxTokenLifetime", JwtSettings.DEFAULT_MAX_LIFETIME));
  }

  /**
   * The service's documented buckets with whatever the keys change. {@code ratelimit.roles} adds
   * roles to the documented ones rather than replacing them: naming one more role must not drop the
   * chassis's bucket to the default.
   */
  private static RateLimitPolicy rateLimits(
      Config config, String prefix, RateLimitPolicy defaults) {
    Set<String> roles = new TreeSet<>(defaults.perRole().keySet());
    roles.addAll(config.list(prefix + ".roles"));
    Map<String, RateLimit> perRole = new HashMap<>();
    for (String role : roles) {
      RateLimit documented = defaults.perRole().getOrDefault(role, defaults.defaultLimit());
      perRole.put(role, rateLimit(config, prefix + ".role." + role + ".", documented));
    }
    return new RateLimitPolicy(
        defaults.keyPrefix(), rateLimit(config, prefix + ".", defaults.defaultLimit()), perRole);
  }

  private static RateLimit rateLimit(Config config, String prefix, RateLimit documented) {
    long capacity = config.integer(prefix + "capacity", documented.capacity(), 1, 1_000_000_000);
    return new RateLimit(
        capacity,
        config.integer(prefix + "refillTokens", capacity, 1, 1_000_000_000),
        config.duration(prefix + "refillPeriod", documented.refillPeriod()));
  }

  private static Optional<RedisEndpoint> redis(Config config) {
    return config.secret("redis.url").map(RedisEndpoint::parse);
  }
}
