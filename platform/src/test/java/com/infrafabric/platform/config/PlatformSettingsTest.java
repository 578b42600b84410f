package com.infrafabric.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.platform.http.AdmissionSettings;
import com.infrafabric.platform.http.HttpSettings;
import com.infrafabric.platform.ratelimit.RateLimitPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlatformSettingsTest {

  private static final Map<String, String> REQUIRED =
      Map.of(
          "auth.jwksFile", "/etc/infrafabric/jwks.json",
          "auth.issuer", "https://issuer",
          "auth.audience", "governor");

  @TempDir Path dir;

  @Test
  void readsTheFileAndLetsTheEnvironmentOverrideIt() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("governor.properties"),
            String.join(
                "\n",
                "http.port=9000",
                "http.maxBodyBytes=2048",
                "http.idleTimeout=90s",
                "http.cors.allowedOrigins=https://console.example.com, https://ops.example.com",
                "auth.jwksFile=/etc/infrafabric/jwks.json",
                "auth.issuer=https://issuer",
                "auth.audience=governor",
                "ratelimit.roles=admin",
                "ratelimit.role.admin.capacity=500",
                ""));
    Config config = Config.load(file, Map.of("IF_HTTP_PORT", "9100", "IF_AUTH_CLOCK_SKEW", "5s"));

    PlatformSettings settings = PlatformSettings.from(config, "governor");
    config.rejectUnknownKeys(Set.of());

    assertThat(settings.http().port()).isEqualTo(9100);
    assertThat(settings.http().maxBodyBytes()).isEqualTo(2048);
    assertThat(settings.http().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(settings.http().cors().allowedOrigins())
        .containsExactly("https://console.example.com", "https://ops.example.com");
    assertThat(settings.auth().clockSkew()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.rateLimits().defaultLimit().capacity()).isEqualTo(100);
    assertThat(settings.rateLimits().perRole().get("admin").capacity()).isEqualTo(500);
    assertThat(settings.redis()).isEmpty();
    assertThat(settings.rateLimits().keyPrefix()).isEqualTo("governor");
  }

  @Test
  void aSecondServiceReadsItsOwnHttpAndRateLimitKeysAndSharesTheTokenKeys() {
    Map<String, String> values = new HashMap<>(REQUIRED);
    values.put("http.port", "8080");
    values.put("ratelimit.capacity", "5");
    values.put("chassis.http.maxBodyBytes", "4096");
    values.put("chassis.ratelimit.roles", "agent");
    values.put("chassis.ratelimit.role.agent.capacity", "7");
    Config config = Config.of(values, Map.of("IF_CHASSIS_HTTP_PORT", "9181"));

    PlatformSettings chassis =
        PlatformSettings.from(
            config,
            RateLimitPolicy.uniform("chassis", PlatformSettings.DEFAULT_RATE_LIMIT),
            "chassis.",
            HttpSettings.defaults().withPort(8081));

    assertThat(chassis.http().port()).isEqualTo(9181);
    assertThat(chassis.http().maxBodyBytes()).isEqualTo(4096);
    assertThat(chassis.rateLimits().keyPrefix()).isEqualTo("chassis");
    assertThat(chassis.rateLimits().defaultLimit().capacity()).isEqualTo(100);
    assertThat(chassis.rateLimits().perRole().get("agent").capacity()).isEqualTo(7);
    assertThat(chassis.auth().issuer()).isEqualTo("https://issuer");
    assertThat(
            PlatformSettings.from(Config.of(REQUIRED, Map.of()), uniform(), "chassis.", defaults())
                .http()
                .port())
        .as("the default port is the caller's")
        .isEqualTo(8081);
    assertThatThrownBy(
            () ->
                PlatformSettings.from(
                    Config.of(Map.of("chassis.http.port", "0"), Map.of()),
                    uniform(),
                    "chassis.",
                    defaults()))
        .hasMessage("chassis.http.port 0 is outside 1..65535");
  }

  private static RateLimitPolicy uniform() {
    return RateLimitPolicy.uniform("chassis", PlatformSettings.DEFAULT_RATE_LIMIT);
  }

  private static HttpSettings defaults() {
    return HttpSettings.defaults().withPort(8081);
  }

  @Test
  void namesEnvironmentVariablesFromKeys() {
    assertThat(Config.envName("http.port")).isEqualTo("IF_HTTP_PORT");
    assertThat(Config.envName("http.maxBodyBytes")).isEqualTo("IF_HTTP_MAX_BODY_BYTES");
    assertThat(Config.envName("http.cors.allowedOrigins"))
        .isEqualTo("IF_HTTP_CORS_ALLOWED_ORIGINS");
    assertThat(Config.envName("ratelimit.role.ops-team.capacity"))
        .isEqualTo("IF_RATELIMIT_ROLE_OPS_TEAM_CAPACITY");
  }

  @Test
  void readsTheAdmissionLimitAndRefusesAnInitialLimitOutsideItsBounds() {
    Map<String, String> values = new HashMap<>(REQUIRED);
    values.put("http.admission.minLimit", "2");
    values.put("http.admission.maxLimit", "8");
    values.put("http.admission.initialLimit", "4");
    values.put("http.admission.targetLatency", "6ms");
    Config config = Config.of(values, Map.of("IF_HTTP_ADMISSION_RETRY_AFTER", "3s"));

    AdmissionSettings admission = PlatformSettings.from(config, "governor").http().admission();

    assertThat(admission)
        .isEqualTo(new AdmissionSettings(4, 2, 8, Duration.ofMillis(6), Duration.ofSeconds(3)));
    assertThat(failure(Map.of("http.admission.initialLimit", "200")))
        .isEqualTo("http.admission.initialLimit 200 is outside 4..64");
    assertThat(failure(Map.of("http.admission.maxLimit", "1")))
        .isEqualTo("http.admission.maxLimit 1 is outside 4..10000");
  }

  @Test
  void rejectsBadValuesWithExactMessages() {
    assertThat(failure(Map.of("http.port", "70000")))
        .isEqualTo("http.port 70000 is outside 1..65535");
    assertThat(failure(Map.of("http.port", "eighty")))
        .isEqualTo("http.port eighty is not an integer");
    assertThat(failure(Map.of("http.idleTimeout", "10x")))
        .isEqualTo("http.idleTimeout 10x is not a duration (e.g. 500ms, 30s, 15m, 2h, PT15M)");
    assertThat(failure(Map.of("http.cors.allowedOrigins", "*")))
        .isEqualTo("http.cors.allowedOrigins must list exact origins; '*' is not allowed");
    assertThat(failure(Map.of("auth.algorithm", "HS256")))
        .isEqualTo("auth.algorithm HS256 is not allowed; use one of [ES256, ES384, ES512]");
    assertThat(failure(Map.of("auth.issuer", "")))
        .isEqualTo("auth.issuer is set but empty: set a value, or unset it");
  }

  @Test
  void neverEchoesTheRedisPassword() {
    String message = failure(Map.of("redis.url", "http://:s3cret-canary@redis:6379"));
    assertThat(message).doesNotContain("s3cret-canary").contains("redis://");

    Map<String, String> values = new HashMap<>(REQUIRED);
    values.put("redis.url", "redis://:s3cret-canary@redis:6380");
    PlatformSettings settings = PlatformSettings.from(Config.of(values, Map.of()), "chassis");
    assertThat(settings.redis().orElseThrow().password()).isEqualTo("s3cret-canary");
    assertThat(settings.toString()).doesNotContain("s3cret-canary");
  }

  @Test
  void reportsATypoedKeyInTheFile() {
    Map<String, String> values = new HashMap<>(REQUIRED);
    values.put("http.prot", "9000");
    Config config = Config.of(values, Map.of());
    PlatformSettings.from(config, "governor");

    assertThatThrownBy(() -> config.rejectUnknownKeys(Set.of()))
        .hasMessage("unknown config key http.prot in the given values");
  }

  /**
   * Regression: a misspelt override (IF_REDIS_EMBEDED=false) and a blank one (IF_REDIS_EMBEDDED=" "
   * from an environment file) were silently ignored, and a production node fell back to a private
   * Redis. An IF_ variable no key reads is refused, unless its reader says it reads it; a key set
   * to nothing is refused, naming where it was set.
   */
  @Test
  void reportsATypoedOrBlankOverrideInTheEnvironment() {
    Config typo = Config.of(REQUIRED, Map.of("IF_HTTP_PROT", "9000", "IF_DATA_DIR", "/srv"));
    PlatformSettings.from(typo, "governor");

    assertThatThrownBy(() -> typo.rejectUnknownKeys(Set.of("IF_DATA_DIR")))
        .hasMessage("unknown environment variable IF_HTTP_PROT (no config key reads it)");
    Config known = Config.of(REQUIRED, Map.of("IF_HTTP_PORT", "9000", "IF_DATA_DIR", "/srv"));
    PlatformSettings.from(known, "governor");
    known.rejectUnknownKeys(Set.of("IF_DATA_DIR"));

    assertThatThrownBy(
            () -> PlatformSettings.from(Config.of(REQUIRED, Map.of("IF_HTTP_PORT", " ")), "x"))
        .hasMessage("IF_HTTP_PORT is set but empty: set a value, or unset it");
    Map<String, String> blank = new HashMap<>(REQUIRED);
    blank.put("http.port", "");
    assertThatThrownBy(() -> PlatformSettings.from(Config.of(blank, Map.of()), "x"))
        .hasMessage("http.port is set but empty: set a value, or unset it");
  }

  /**
   * A service ends the requests it still serves a second before the server closes their connections
   * at the end of the shutdown grace, or half-way through a grace under two seconds.
   */
  @Test
  void inFlightRequestsAreCutJustBeforeTheGraceEnds() {
    HttpSettings http = HttpSettings.defaults();
    assertThat(http.withShutdownGrace(Duration.ofSeconds(10)).cutInFlightAfter())
        .isEqualTo(Duration.ofSeconds(9));
    assertThat(http.withShutdownGrace(Duration.ofSeconds(2)).cutInFlightAfter())
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(http.withShutdownGrace(Duration.ofMillis(600)).cutInFlightAfter())
        .isEqualTo(Duration.ofMillis(300));
  }

  private static String failure(Map<String, String> overrides) {
    Map<String, String> values = new HashMap<>(REQUIRED);
    values.putAll(overrides);
    try {
      PlatformSettings.from(Config.of(values, Map.of()), "governor");
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    throw new AssertionError("no failure for " + overrides);
  }
}
