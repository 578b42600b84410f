package com.infrafabric.chassis.testing;

import com.infrafabric.chassis.llm.BudgetPort;
import com.infrafabric.chassis.service.ChassisService;
import com.infrafabric.chassis.service.ChassisSettings;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.platform.config.Config;
import com.infrafabric.platform.config.PlatformSettings;
import com.infrafabric.platform.metrics.ServiceMeters;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.HttpTestClient;
import com.infrafabric.platform.testing.TestTokens;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The chassis service on a real redis-server and a free port, configured through {@link
 * ChassisSettings#from} like a deployment, trusting {@link TestChassis#PUBLISHER}, with a vault and
 * a test governor's grant keys; with tokens for every role, grants, and a client that speaks its
 * JSON.
 */
public final class ChassisServiceRig implements AutoCloseable {

  /** The fail-closed bound in tests, generous enough for a loaded 2-core machine. */
  public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

  public final Vertx vertx;
  public final RedisStore redis;
  public final TestTokens tokens;

  /** Grants for the tenant and agent of {@link TestChassis#CONTEXT}, which the service accepts. */
  public final TestGrants grants;

  public final PrometheusMeterRegistry meters;
  public final ChassisService service;
  public final HttpTestClient http;

  private final ChassisSettings settings;
  private final Optional<BudgetPort> budget;

  /**
   * Starts the service.
   *
   * @param config chassis keys that differ from a deployment's defaults, e.g. {@code
   *     chassis.sandbox.queueCapacity}; rate limits are effectively off unless set here
   */
  public ChassisServiceRig(RedisEndpoint endpoint, Path directory, Map<String, String> config) {
    this(endpoint, directory, config, Optional.empty());
  }

  /**
   * Starts the service with {@code budget} for LLM calls (e.g. a {@code GovernorHttpBudget} on a
   * {@link FakeGovernor}); {@code config} may then name model providers.
   */
  public ChassisServiceRig(
      RedisEndpoint endpoint,
      Path directory,
      Map<String, String> config,
      Optional<BudgetPort> budget) {
    Clock clock = Clock.systemUTC();
    this.vertx = Vertx.vertx();
    this.tokens = TestTokens.create(directory, clock);
    TestTokens governor = TestTokens.create(directory(directory.resolve("governor")), clock);
    this.grants = new TestGrants(governor, clock);
    this.meters = ServiceMeters.create();
    this.redis =
        RedisStore.create(
            vertx, RedisSettings.of(endpoint).withCommandTimeout(COMMAND_TIMEOUT), meters);
    this.settings = settings(directory, governor, config);
    this.budget = budget;
    this.service =
        Await.result(ChassisService.start(vertx, redis, settings, budget, meters, clock));
    this.http = new HttpTestClient(service.port());
  }

  private ChassisSettings settings(
      Path directory, TestTokens governor, Map<String, String> overrides) {
    Map<String, String> values = new HashMap<>();
    values.put("auth.jwksFile", tokens.jwksFile().toString());
    values.put("auth.issuer", TestTokens.ISSUER);
    values.put("auth.audience", TestTokens.AUDIENCE);
    values.put("chassis.publishers.jwksFile", publishers(directory).toString());
    values.put("chassis.ratelimit.capacity", "1000000");
    values.put("chassis.grants.jwksFile", governor.jwksFile().toString());
    values.put("chassis.grants.issuer", TestTokens.ISSUER);
    values.put("chassis.grants.audience", TestTokens.AUDIENCE);
    values.put("chassis.vault.masterKeysFile", masterKeys(directory).toString());
    values.putAll(overrides);
    // An override to nothing unsets the rig's own value: a key set blank is a configuration error.
    values.values().removeIf(String::isEmpty);
    Config config = Config.of(values, Map.of());
    ChassisSettings read = ChassisSettings.from(config);
    config.rejectUnknownKeys(Set.of());
    PlatformSettings platform = read.platform();
    return new ChassisSettings(
        new PlatformSettings(
            platform.http().withPort(0), platform.auth(), platform.rateLimits(), platform.redis()),
        read.operator(),
        read.maxInputBytes(),
        read.masterKeys(),
        read.kvRedis(),
        read.mcp());
  }

  private static Path publishers(Path directory) {
    try {
      return Files.writeString(
          directory.resolve("publishers.json"), Publisher.jwks(TestChassis.PUBLISHER));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh master key set, readable by its owner only as the service requires. */
  private static Path masterKeys(Path directory) {
    try {
      Path file = directory.resolve("vault-master.json");
      Files.writeString(file, MasterKeys.generateJwks("rig-1"));
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path directory(Path directory) {
    try {
      return Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Another chassis node on the same Redis, settings and token keys, as a load balancer's second
   * backend; the caller stops it.
   */
  public ChassisService anotherNode() {
    return Await.result(
        ChassisService.start(
            vertx, redis, settings, budget, ServiceMeters.create(), Clock.systemUTC()));
  }

  public String publisher() {
    return tokens.valid("publisher-1", "publisher");
  }

  public String operator() {
    return tokens.valid("operator-1", "operator");
  }

  /** An agent of {@code tenant} whose token grants {@code tools} (name@version or name). */
  public String agent(String tenant, String... tools) {
    return tokens.mint(
        tokens
            .spec("agent-" + UUID.randomUUID().toString().substring(0, 8), "agent")
            .withScope(tenant)
            .withListClaim("tools", List.of(tools)));
  }

  /** An agent token for the tenant and agent {@link #grants} grant to, granting {@code tools}. */
  public String grantee(String... tools) {
    return tokens.mint(
        tokens
            .spec(TestChassis.CONTEXT.agent(), "agent")
            .withScope(TestChassis.CONTEXT.tenant())
            .withListClaim("tools", List.of(tools)));
  }

  /** The registration body for {@code module} and its signed contract. */
  public static String registration(byte[] module, String contractJws) {
    return new JsonObject()
        .put("module_base64", Base64.getEncoder().encodeToString(module))
        .put("contract", contractJws)
        .encode();
  }

  /** Registers {@code module} under {@code contract} signed by the trusted publisher. */
  public HttpResponse<String> register(byte[] module, Contracts contract) {
    return http.send(
        "POST",
        "/v1/tools",
        publisher(),
        Map.of(),
        registration(module, contract.signedBy(TestChassis.PUBLISHER)));
  }

  /**
   * Registers {@code spin@1.0.0}, a guest that never returns, stopped by its 10 s CPU limit before
   * its 20 s deadline: it outlives whatever a test does to it while it runs (cancel it, stop the
   * service).
   */
  public void registerSpin() {
    byte[] spin = Guests.wat(Guests.SPIN);
    HttpResponse<String> registered =
        register(
            spin,
            Contracts.forModule("spin", spin)
                .limit("timeoutMs", null, 20_000)
                .limit("cpuTimeMs", null, 10_000));
    if (registered.statusCode() != 201) {
      throw new IllegalStateException("spin was not registered: " + registered.body());
    }
  }

  /** Invokes {@code name@version} with {@code input} (any JSON value) as {@code token}. */
  public HttpResponse<String> invoke(String token, String name, String version, Object input) {
    return invoke(token, Map.of(), name, version, input);
  }

  /** Invokes {@code name@version} as {@code token} under the grant token {@code grant}. */
  public HttpResponse<String> invokeUnder(
      String grant, String token, String name, String version, Object input) {
    return invoke(token, Map.of("X-InfraFabric-Grant", grant), name, version, input);
  }

  private HttpResponse<String> invoke(
      String token, Map<String, String> headers, String name, String version, Object input) {
    return http.send(
        "POST",
        "/v1/tools/" + name + "/" + version + "/invocations",
        token,
        headers,
        new JsonObject().put("input", input).encode());
  }

  /** How many invocations the chassis has admitted and not yet finished; -1 before the first. */
  public double admitted() {
    Gauge gauge = meters.find("chassis.admission.admitted").gauge();
    return gauge == null ? -1 : gauge.value();
  }

  public static JsonObject json(HttpResponse<String> response) {
    return new JsonObject(response.body());
  }

  @Override
  public void close() {
    Await.result(service.stop());
    redis.close();
    Await.result(vertx.close());
  }
}
