package com.infrafabric.chassis.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.ModuleCaps;
import com.infrafabric.chassis.OperatorSettings;
import com.infrafabric.chassis.testing.Publisher;
import com.infrafabric.llm.ProviderSettings;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.platform.auth.JwtSettings;
import com.infrafabric.platform.auth.SigningKeyPair;
import com.infrafabric.platform.config.Config;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    config.rejectUnknownKeys(Set.of());
    return settings;
  }

  @Test
  void defaultsListenOn8081WithARegistrationBodyLimitThatCarriesTheLargestModule() {
    ChassisSettings settings = read(Map.of());
    OperatorSettings operator = settings.operator();

    assertThat(settings.platform().http().port()).isEqualTo(8081);
    assertThat(operator.moduleCaps().maxModuleBytes()).isEqualTo(8 << 20);
    assertThat(settings.maxRegistrationBytes())
        .isEqualTo(ChassisSettings.registrationBodyBytes(8 << 20))
        .isEqualTo(11_250_348);
    assertThat(settings.platform().http().maxBodyBytes())
        .as("every other route's")
        .isEqualTo(1 << 20);
    assertThat(settings.maxInputBytes()).isEqualTo(1 << 20);
    assertThat(settings.platform().rateLimits())
        .as("the documented buckets, with no config file")
        .isEqualTo(ChassisSettings.RATE_LIMITS);
    assertThat(operator.limitCaps().memoryMaxPages()).isEqualTo(1024);
    assertThat(operator.sandbox().queueCapacity()).isEqualTo(64);
    assertThat(operator.sandbox().guestSpin()).isEqualTo(Duration.ofNanos(50_000));
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
    values.put("chassis.sandbox.guestSpinMicros", "0");
    values.put("chassis.egress.allowedPorts", "443, 8443");
    values.put("chassis.egress.trustedTargets", "10.1.2.3/32:8443");
    values.put("chassis.ratelimit.roles", "agent");
    values.put("chassis.ratelimit.role.agent.capacity", "30");

    ChassisSettings settings =
        read(Map.of("IF_CHASSIS_HTTP_PORT", "9100", "IF_CHASSIS_SANDBOX_GUEST_THREADS", "3"));

    OperatorSettings operator = settings.operator();
    assertThat(settings.platform().http().port()).isEqualTo(9100);
    assertThat(settings.maxRegistrationBytes())
        .isEqualTo(ChassisSettings.registrationBodyBytes(1 << 20));
    assertThat(operator.limitCaps().memoryMaxPages()).isEqualTo(64);
    assertThat(operator.limitCaps().timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(operator.kvMaxKeysCap()).isEqualTo(50);
    assertThat(operator.sandbox().guestThreads()).isEqualTo(3);
    assertThat(operator.sandbox().queueCapacity()).isEqualTo(8);
    assertThat(operator.sandbox().watchdogInterval()).isEqualTo(Duration.ofMillis(2));
    assertThat(operator.sandbox().guestSpin()).isEqualTo(Duration.ZERO);
    assertThat(settings.platform().rateLimits().perRole().get("agent").capacity()).isEqualTo(30);
  }

  @Test
  void badValuesAreRefusedWithMessagesNamingTheKey() throws IOException {
    assertThat(failure("chassis.sandbox.guestThreads", "0"))
        .isEqualTo("chassis.sandbox.guestThreads 0 is outside 1..1024");
    assertThat(failure("chassis.sandbox.guestSpinMicros", "2000"))
        .isEqualTo("chassis.sandbox.guestSpinMicros 2000 is outside 0..1000");
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
    assertThat(failure("chassis.module.maxModuleBytes", "60000000"))
        .isEqualTo(
            "chassis.module.maxModuleBytes 60000000 needs registration bodies of 80065536 bytes"
                + " (the module in base64 with its contract), past the 67108864 an HTTP body may"
                + " have");
    assertThat(failure("chassis.http.maxInputBytes", "0"))
        .isEqualTo("chassis.http.maxInputBytes 0 is outside 1..67108864");
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
  void theCostBoundsOfGuestsAreOperatorKeys() {
    values.put("chassis.module.maxLocalsPerFunction", "1000");
    values.put("chassis.module.maxCustomSections", "3");
    values.put("chassis.module.buildThreads", "2");
    values.put("chassis.module.buildQueue", "0");
    values.put("chassis.module.buildMemoryBytes", "33554432");
    values.put("chassis.sandbox.logMaxEntries", "50");
    values.put("chassis.sandbox.logRelayPerSecond", "5");
    values.put("chassis.kv.headroomPercent", "40");
    values.put("chassis.kv.tenantMaxBytes", "1048576");
    values.put("chassis.kv.invocationMaxRequests", "500");
    values.put("chassis.kv.redisUrl", "redis://:secret@kv.internal:6380/2");

    ChassisSettings settings = read(Map.of());
    ModuleCaps module = settings.operator().moduleCaps();
    assertThat(module.maxLocalsPerFunction()).isEqualTo(1000);
    assertThat(module.maxCustomSections()).isEqualTo(3);
    assertThat(module.buildThreads()).isEqualTo(2);
    assertThat(module.buildQueue()).isZero();
    assertThat(module.buildMemoryBytes()).isEqualTo(32 << 20);
    assertThat(module.maxTypes()).isEqualTo(ModuleCaps.defaults().maxTypes());
    assertThat(settings.operator().guestLogs())
        .isEqualTo(new OperatorSettings.GuestLogSettings(50, 5, 100));
    assertThat(settings.operator().kvHeadroomPercent()).isEqualTo(40);
    assertThat(settings.operator().kvTenantMaxBytes()).isEqualTo(1 << 20);
    assertThat(settings.operator().kvTraffic())
        .isEqualTo(new OperatorSettings.KvTraffic(500, 64L << 20));
    assertThat(settings.kvRedis().orElseThrow().port()).isEqualTo(6380);

    assertThat(failure("chassis.kv.tenantMaxBytes", "0"))
        .startsWith("chassis.kv.tenantMaxBytes 0 is outside 1..");
    assertThat(failure("chassis.kv.invocationMaxBytes", "0"))
        .startsWith("chassis.kv.invocationMaxBytes 0 is outside 1..");
    assertThat(failure("chassis.kv.headroomPercent", "95"))
        .isEqualTo("chassis.kv.headroomPercent 95 is outside 1..90");
    assertThat(failure("chassis.module.maxLocalsPerFunction", "60000"))
        .isEqualTo("chassis.module.maxLocalsPerFunction 60000 is outside 0..50000");
    assertThat(failure("chassis.kv.redisUrl", "http://kv.internal"))
        .startsWith("chassis.kv.redisUrl: ");
  }

  @Test
  void thePublisherKeysAreRequired() {
    values.remove("chassis.publishers.jwksFile");
    assertThat(failure("chassis.http.port", "8081"))
        .isEqualTo(
            "chassis.publishers.jwksFile is required"
                + " (set it in the config file or IF_CHASSIS_PUBLISHERS_JWKS_FILE)");
  }

  @Test
  void grantsAreVerifiedWithTheGovernorsPublicKeysAndItsDefaultIssuerAndAudience()
      throws IOException {
    Path grants = directory.resolve("grant-jwks.json");
    SigningKeyPair.generate("ES256").write(directory.resolve("grant-private.json"), grants);
    values.put("chassis.grants.jwksFile", grants.toString());

    JwtSettings verification = read(Map.of()).operator().grantVerification().orElseThrow();

    assertThat(verification.jwksFile()).isEqualTo(grants);
    assertThat(verification.issuer()).isEqualTo("infrafabric-governor");
    assertThat(verification.audience()).isEqualTo("infrafabric-chassis");
    assertThat(
            read(Map.of("IF_CHASSIS_GRANTS_AUDIENCE", "chassis-eu"))
                .operator()
                .grantVerification()
                .orElseThrow()
                .audience())
        .isEqualTo("chassis-eu");
    values.remove("chassis.grants.jwksFile");
    assertThat(read(Map.of()).operator().grantVerification()).isEmpty();
  }

  @Test
  void aGrantKeyFileThatIsMissingMalformedOrPrivateIsRefused() throws IOException {
    Path missing = directory.resolve("none.json");
    assertThat(failure("chassis.grants.jwksFile", missing.toString()))
        .isEqualTo("chassis.grants.jwksFile " + missing + " cannot be read");
    Path text = Files.writeString(directory.resolve("text.json"), "not json");
    assertThat(failure("chassis.grants.jwksFile", text.toString()))
        .isEqualTo("chassis.grants.jwksFile " + text + " is not a JWK set");
    Path secret = directory.resolve("grant-private.json");
    SigningKeyPair.generate("ES256").write(secret, directory.resolve("grant-public.json"));
    assertThat(failure("chassis.grants.jwksFile", secret.toString()))
        .isEqualTo(
            "chassis.grants.jwksFile "
                + secret
                + " holds a private key; give the chassis the public set only");
  }

  @Test
  void theVaultKeysComeFromAnOwnerOnlyFileOrTheEnvironmentButNotBoth() throws IOException {
    assertThat(read(Map.of()).masterKeys()).isEmpty();
    Path file = masterKeyFile("file-key", "rw-------");
    values.put("chassis.vault.masterKeysFile", file.toString());
    assertThat(read(Map.of()).masterKeys().orElseThrow().currentKeyId()).isEqualTo("file-key");

    String inline = MasterKeys.generateJwks("env-key");
    values.remove("chassis.vault.masterKeysFile");
    assertThat(
            read(Map.of("IF_CHASSIS_VAULT_MASTER_KEYS", inline))
                .masterKeys()
                .orElseThrow()
                .currentKeyId())
        .isEqualTo("env-key");

    values.put("chassis.vault.masterKeysFile", file.toString());
    assertThat(failureWith(Map.of("IF_CHASSIS_VAULT_MASTER_KEYS", inline)))
        .isEqualTo(
            "chassis.vault.masterKeysFile and IF_CHASSIS_VAULT_MASTER_KEYS are both set;"
                + " set one of them");
  }

  @Test
  void unusableVaultKeysAreRefusedWithoutShowingThem() throws IOException {
    Path shared = masterKeyFile("shared", "rw-r--r--");
    assertThat(failure("chassis.vault.masterKeysFile", shared.toString()))
        .isEqualTo(
            "chassis.vault.masterKeysFile "
                + shared
                + " is rw-r--r--; it must be readable by its owner only (chmod 600)");
    Path missing = directory.resolve("absent.json");
    assertThat(failure("chassis.vault.masterKeysFile", missing.toString()))
        .isEqualTo("chassis.vault.masterKeysFile " + missing + " cannot be read");

    String shortKey = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"k\",\"k\":\"c2VjcmV0\"}]}";
    String message = failureWith(Map.of("IF_CHASSIS_VAULT_MASTER_KEYS", shortKey));
    assertThat(message)
        .isEqualTo("IF_CHASSIS_VAULT_MASTER_KEYS: master key k is not a 256-bit oct key")
        .doesNotContain("c2VjcmV0");
  }

  private Path masterKeyFile(String kid, String mode) throws IOException {
    Path file = Files.writeString(directory.resolve(kid + ".json"), MasterKeys.generateJwks(kid));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  @Test
  void modelProvidersAreReadWithTheirKnobsAndLlmCaps() throws IOException {
    values.put("chassis.vault.masterKeysFile", masterKeyFile("k1", "rw-------").toString());
    values.put("chassis.llm.offlineModels", "offline-small, offline-large");
    values.put("chassis.llm.openai.endpoint", "https://api.openai.com");
    values.put("chassis.llm.openai.credential", "openai-key");
    values.put("chassis.llm.openai.models", "gpt-4o,gpt-4o-mini");
    values.put("chassis.llm.openai.timeout", "10s");
    values.put("chassis.llm.openai.maxRetries", "1");
    values.put("chassis.llm.openai.breakerReset", "1m");
    values.put("chassis.llm.anthropic.endpoint", "https://api.anthropic.com");
    values.put("chassis.llm.anthropic.credential", "anthropic-key");
    values.put("chassis.llm.anthropic.models", "claude-sonnet-4");
    values.put("chassis.caps.llmMaxCalls", "5");

    OperatorSettings operator = read(Map.of()).operator();

    assertThat(operator.llmProviders())
        .containsExactly(
            ProviderSettings.offline(List.of("offline-small", "offline-large")),
            ProviderSettings.openAiCompatible(
                    "openai",
                    URI.create("https://api.openai.com"),
                    "openai-key",
                    List.of("gpt-4o", "gpt-4o-mini"))
                .withTimeout(Duration.ofSeconds(10))
                .withRetries(1, Duration.ofMillis(250))
                .withBreaker(5, Duration.ofMinutes(1)),
            ProviderSettings.anthropic(
                "anthropic",
                URI.create("https://api.anthropic.com"),
                "anthropic-key",
                List.of("claude-sonnet-4")));
    assertThat(operator.llmMaxCallsCap()).isEqualTo(5);
    assertThat(operator.llmMaxOutputTokensCap()).isEqualTo(16_384);
  }

  @Test
  void badProviderKeysAreRefusedNamingTheKey() throws IOException {
    values.put("chassis.vault.masterKeysFile", masterKeyFile("k1", "rw-------").toString());
    values.put("chassis.llm.openai.endpoint", "https://api.openai.com");
    values.put("chassis.llm.openai.models", "gpt-4o");
    assertThat(failure("chassis.llm.openai.timeout", "1s"))
        .isEqualTo(
            "chassis.llm.openai.credential is required"
                + " (set it in the config file or IF_CHASSIS_LLM_OPENAI_CREDENTIAL)");
    values.put("chassis.llm.openai.credential", "openai-key");
    assertThat(failure("chassis.llm.openai.timeout", "0s"))
        .isEqualTo("chassis.llm.openai.timeout 0 ms is outside 1..600000 ms");
    assertThat(failure("chassis.llm.openai.maxRetries", "11"))
        .isEqualTo("chassis.llm.openai.maxRetries 11 is outside 0..10");
    assertThat(failure("chassis.llm.openai.endpoint", "ftp://files.example.com"))
        .isEqualTo(
            "chassis.llm.openai: llm provider openai endpoint ftp://files.example.com"
                + " must be an http(s) URL without user info or query");
    assertThat(failure("chassis.llm.openai.credential", "OpenAI Key"))
        .isEqualTo("chassis.llm.openai.credential OpenAI Key must match [a-z0-9][a-z0-9._-]{0,63}");
    assertThat(failure("chassis.llm.offlineModels", "gpt-4o"))
        .isEqualTo(
            "chassis.llm.openai.models names gpt-4o, which chassis.llm.offlineModels already"
                + " serves; a model has one provider");
    assertThat(failure("chassis.caps.llmMaxOutputTokens", "0"))
        .isEqualTo("chassis.caps.llmMaxOutputTokens 0 is outside 1..1000000");
    values.remove("chassis.vault.masterKeysFile");
    assertThat(failure("chassis.llm.openai.timeout", "1s"))
        .isEqualTo(
            "chassis.llm.openai.credential needs the credential vault:"
                + " set chassis.vault.masterKeysFile or IF_CHASSIS_VAULT_MASTER_KEYS");
  }

  private String failureWith(Map<String, String> env) {
    try {
      read(values, env);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    throw new AssertionError("no failure with " + env.keySet());
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
