package com.infrafabric.chassis.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.OperatorConfig;
import com.infrafabric.chassis.testing.Publisher;
import com.infrafabric.platform.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChassisSettingsTest {

  @TempDir Path directory;
  private final Map<String, String> values = new HashMap<>();

  @BeforeEach
  void required() throws IOException {
    Path publishers =
        Files.writeString(
            directory.resolve("publishers.json"), Publisher.jwks(Publisher.generate("pub-1")));
    values.put("auth.jwksFile", "/etc/infrafabric/jwks.json");
    values.put("auth.issuer", "https://issuer");
    values.put("auth.audience", "infrafabric");
    values.put("chassis.publishers.jwksFile", publishers.toString());
  }

  private ChassisSettings read(Map<String, String> env) {
    return read(values, env);
  }

  private static ChassisSettings read(Map<String, String> values, Map<String, String> env) {
    Config config = Config.of(values, env);
    ChassisSettings settings = ChassisSettings.from(config);
    config.rejectUnknownKeys();
    return settings;
  }

  @Test
  void defaultsListenOn8081WithABodyLimitThatCarriesTheLargestModule() {
    ChassisSettings settings = read(Map.of());
    OperatorConfig operator = settings.operator();

    assertThat(settings.platform().http().port()).isEqualTo(8081);
    assertThat(operator.moduleCaps().maxModuleBytes()).isEqualTo(8 << 20);
    assertThat(settings.platform().http().maxBodyBytes())
        .isEqualTo(ChassisSettings.registrationBodyBytes(8 << 20))
        .isEqualTo(11_250_348);
    assertThat(settings.maxInputBytes()).isEqualTo(1 << 20);
    assertThat(settings.platform().rateLimits().keyPrefix()).isEqualTo("chassis");
    assertThat(operator.limitCaps().memoryMaxPages()).isEqualTo(1024);
    assertThat(operator.sandbox().queueCapacity()).isEqualTo(64);
  }

  @Test
  void everyGroupOfKeysIsReadAndTheEnvironmentWins() {
    values.put("chassis.http.port", "9000");
    values.put("chassis.module.maxModuleBytes", "1048576");
    values.put("chassis.caps.memoryMaxPages", "64");
    values.put("chassis.caps.timeout", "5s");
    values.put("chassis.caps.kvMaxKeys", "50");
    values.put("chassis.sandbox.queueCapacity", "8");
    values.put("chassis.sandbox.watchdogInterval", "2ms");
    values.put("chassis.egress.allowedPorts", "443, 8443");
    values.put("chassis.egress.trustedTargets", "10.1.2.3/32:8443");
    values.put("chassis.ratelimit.roles", "agent");
    values.put("chassis.ratelimit.role.agent.capacity", "30");

    ChassisSettings settings =
        read(Map.of("IF_CHASSIS_HTTP_PORT", "9100", "IF_CHASSIS_SANDBOX_GUEST_THREADS", "3"));

    OperatorConfig operator = settings.operator();
    assertThat(settings.platform().http().port()).isEqualTo(9100);
    assertThat(settings.platform().http().maxBodyBytes())
        .isEqualTo(ChassisSettings.registrationBodyBytes(1 << 20));
    assertThat(operator.limitCaps().memoryMaxPages()).isEqualTo(64);
    assertThat(operator.limitCaps().timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(operator.kvMaxKeysCap()).isEqualTo(50);
    assertThat(operator.sandbox().guestThreads()).isEqualTo(3);
    assertThat(operator.sandbox().queueCapacity()).isEqualTo(8);
    assertThat(operator.sandbox().watchdogInterval()).isEqualTo(Duration.ofMillis(2));
    assertThat(settings.platform().rateLimits().perRole().get("agent").capacity()).isEqualTo(30);
  }

  @Test
  void badValuesAreRefusedWithMessagesNamingTheKey() throws IOException {
    assertThat(failure("chassis.sandbox.guestThreads", "0"))
        .isEqualTo("chassis.sandbox.guestThreads 0 is outside 1..1024");
    assertThat(failure("chassis.sandbox.watchdogInterval", "2s"))
        .isEqualTo("chassis.sandbox.watchdogInterval 2000 ms is outside 1..1000 ms");
    assertThat(failure("chassis.module.maxModuleBytes", "lots"))
        .isEqualTo("chassis.module.maxModuleBytes lots is not an integer");
    assertThat(failure("chassis.egress.allowedSchemes", "ftp"))
        .isEqualTo("chassis.egress.allowedSchemes may hold http and https, not ftp");
    assertThat(failure("chassis.egress.trustedTargets", "intranet:80"))
        .isEqualTo(
            "chassis.egress.trustedTargets entry \"intranet:80\" is not of the form cidr:port");
    assertThat(failure("chassis.egress.allowedPorts", "http"))
        .isEqualTo("chassis.egress.allowedPorts entry http is not a port (1..65535)");
    assertThat(failure("chassis.http.maxBodyBytes", "1048576"))
        .isEqualTo(
            "chassis.http.maxBodyBytes 1048576 cannot carry a module of"
                + " chassis.module.maxModuleBytes 8388608 bytes in base64 with its contract;"
                + " it must be at least 11250348");
    assertThat(failure("chassis.http.maxInputBytes", "0"))
        .isEqualTo("chassis.http.maxInputBytes 0 is outside 1..11250348");
    Path missing = directory.resolve("nope.json");
    assertThat(failure("chassis.publishers.jwksFile", missing.toString()))
        .isEqualTo("chassis.publishers.jwksFile " + missing + " cannot be read");
    Path empty = Files.writeString(directory.resolve("empty.json"), "{\"keys\":[]}");
    assertThat(failure("chassis.publishers.jwksFile", empty.toString()))
        .isEqualTo(
            "chassis.publishers.jwksFile "
                + empty
                + ": trustedPublishers must hold at least one key");
  }

  @Test
  void thePublisherKeysAreRequired() {
    values.remove("chassis.publishers.jwksFile");
    assertThat(failure("chassis.http.port", "8081"))
        .isEqualTo(
            "chassis.publishers.jwksFile is required"
                + " (set it in the config file or IF_CHASSIS_PUBLISHERS_JWKS_FILE)");
  }

  private String failure(String key, String value) {
    Map<String, String> bad = new HashMap<>(values);
    bad.put(key, value);
    try {
      read(bad, Map.of());
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    throw new AssertionError("no failure for " + key + "=" + value);
  }
}
