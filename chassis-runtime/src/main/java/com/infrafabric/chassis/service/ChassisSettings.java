package com.infrafabric.chassis.service;

import com.infrafabric.chassis.OperatorSettings;
import com.infrafabric.chassis.mcp.McpSettings;
import com.infrafabric.llm.ProviderSettings;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.llm.vault.MasterKeysReader;
import com.infrafabric.platform.config.Config;
import com.infrafabric.platform.config.PlatformSettings;
import com.infrafabric.platform.http.HttpSettings;
import com.infrafabric.platform.ratelimit.RateLimit;
import com.infrafabric.platform.ratelimit.RateLimitPolicy;
import com.infrafabric.platform.redis.RedisEndpoint;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the chassis service reads from its configuration, validated at start. It shares the
 * token keys ({@code auth.*}) and {@code redis.url} with the governor and reads its own HTTP and
 * rate-limit keys under {@code chassis.} so both run in one process on two ports:
 *
 * <pre>
 * chassis.http.port, .host, .maxInFlight, ...    as http.* (see PlatformSettings); port 8081
 * chassis.http.maxBodyBytes     1048576: the largest body of a route without a limit of its own
 * chassis.http.maxInputBytes    1048576: the largest invocation body, REST or MCP
 *     (a registration body's limit is base64 of chassis.module.maxModuleBytes + 64 KiB)
 * chassis.ratelimit.*           as ratelimit.*, buckets per token subject under "chassis"
 * chassis.publishers.jwksFile   required: public EC P-256 keys (with kid) of trusted publishers
 * chassis.caps.timeout, .cpuTime, .memoryMaxPages, .tableMaxEntries, .outputMaxBytes,
 *     .logMaxBytes, .hostCallsMax, .kvMaxBytes, .kvMaxKeys, .httpMaxRequests,
 *     .httpTotalTimeout, .httpMaxResponseBytes        the most a contract may ask for
 * chassis.module.maxModuleBytes, .maxFunctions, .maxFunctionBodyBytes, .compileTimeout,
 *     .compiledCacheSize, .compiledCacheBytes         checked before a module is compiled
 * chassis.sandbox.guestThreads, .queueCapacity, .memoryBudgetBytes, .guestStackBytes,
 *     .watchdogInterval, .toolCacheTtl, .guestSpinMicros   admission and execution
 * chassis.sandbox.logMaxEntries, .logRelayPerSecond, .logRelayBurst   guest log entries per
 *     invocation, and the rate per tenant and tool at which they are copied into the service log
 * chassis.egress.allowedSchemes, .allowedPorts, .trustedTargets, .maxRedirects,
 *     .resolveTimeout, .maxHeaderBytes, .maxRequestBodyBytes   outbound HTTP of guests
 * chassis.grants.jwksFile, .issuer, .audience        the governor's grant keys ({@link GrantKeys})
 * chassis.vault.masterKeysFile or IF_CHASSIS_VAULT_MASTER_KEYS   the vault ({@link MasterKeysReader})
 * chassis.llm.offlineModels, chassis.llm.openai.*, chassis.llm.anthropic.*   model providers
 *     ({@link com.infrafabric.llm.ProviderSettingsReader})
 * chassis.caps.llmMaxCalls, .llmMaxOutputTokens      the most a contract's llm may ask for
 * chassis.kv.tenantMaxBytes (256 MiB)   what one tenant's kv namespaces together may hold
 * chassis.kv.maxValueBytes (1 MiB)   the largest value one kv_put may store
 * chassis.kv.headroomPercent (25)   share of the Redis maxmemory tool kv data may never take
 * chassis.kv.invocationMaxRequests (10000), .invocationMaxBytes (64 MiB)   what one invocation's
 *     kv calls may ask of the store
 * chassis.kv.redisUrl (IF_CHASSIS_KV_REDIS_URL)   optional, secret: a Redis of its own for kv
 * chassis.mcp.*                  the MCP endpoint's sessions and notifications ({@link McpSettings})
 * </pre>
 *
 * Defaults are {@link OperatorSettings}'s; every environment variable is {@code IF_} + the key in
 * upper snake case ({@code chassis.http.port} → {@code IF_CHASSIS_HTTP_PORT}).
 *
 * @param platform HTTP bounds, token verification and rate limits of the chassis API
 * @param operator publishers, caps, sandbox sizing and egress policy
 * @param maxInputBytes the largest invocation request body, REST or MCP; larger ones are answered
 *     413 before they are read
 * @param masterKeys the keys that seal the credential vault; empty for no vault
 * @param kvRedis a Redis of its own for tools' key-value data; empty to keep it in the shared one
 * @param mcp how the MCP endpoint keeps sessions and sends notifications
 */
public record ChassisSettings(
    PlatformSettings platform,
    OperatorSettings operator,
    int maxInputBytes,
    Optional<MasterKeys> masterKeys,
    Optional<RedisEndpoint> kvRedis,
    McpSettings mcp) {

  /** Where the vault's master keys are configured. */
  private static final String VAULT = "chassis.vault.";

  public static final int DEFAULT_PORT = 8081;

  /**
   * The chassis's rate-limit buckets, per token subject, when no key changes them: 600 requests a
   * minute by default and 1,200 for an {@code agent}, so one noisy agent cannot starve the others.
   */
  public static final RateLimitPolicy RATE_LIMITS =
      new RateLimitPolicy(
          "chassis", RateLimit.perMinute(600), Map.of("agent", RateLimit.perMinute(1_200)));

  /**
   * The default largest invocation (and MCP message) body, 1 MiB: also the longest line the MCP
   * stdio bridge forwards.
   */
  public static final int DEFAULT_MAX_INPUT_BYTES = 1 << 20;

  static final String MAX_INPUT_BYTES = "chassis.http.maxInputBytes";
  static final String KV_REDIS_URL = "chassis.kv.redisUrl";
  private static final long CONTRACT_ROOM = 64 * 1024;
  private static final long HTTP_BODY_CAP = 64L * 1024 * 1024;

  public ChassisSettings {
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(masterKeys, "masterKeys");
    Objects.requireNonNull(kvRedis, "kvRedis");
    Objects.requireNonNull(mcp, "mcp");
    if (maxInputBytes < 1 || maxInputBytes > HTTP_BODY_CAP) {
      throw new IllegalArgumentException(
          MAX_INPUT_BYTES + " " + maxInputBytes + " is outside 1.." + HTTP_BODY_CAP);
    }
    long needed = registrationBodyBytes(operator.moduleCaps().maxModuleBytes());
    if (needed > HTTP_BODY_CAP) {
      throw new IllegalArgumentException(
          OperatorSettingsReader.MAX_MODULE_BYTES
              + " "
              + operator.moduleCaps().maxModuleBytes()
              + " needs registration bodies of "
              + needed
              + " bytes (the module in base64 with its contract), past the "
              + HTTP_BODY_CAP
              + " an HTTP body may have");
    }
    for (ProviderSettings provider : operator.llmProviders()) {
      if (provider.credential().isPresent() && masterKeys.isEmpty()) {
        throw new IllegalArgumentException(
            "chassis.llm."
                + provider.name()
                + ".credential needs the credential vault: set "
                + VAULT
                + MasterKeysReader.FILE
                + " or "
                + Config.envName(VAULT + MasterKeysReader.INLINE));
      }
    }
  }

  /**
   * Reads and validates every chassis key.
   *
   * @throws IllegalArgumentException naming the first bad key; never echoing a secret
   */
  public static ChassisSettings from(Config config) {
    OperatorSettings operator = OperatorSettingsReader.read(config);
    PlatformSettings platform =
        PlatformSettings.from(
            config, RATE_LIMITS, "chassis.", HttpSettings.defaults().withPort(DEFAULT_PORT));
    long maxInput = config.integer(MAX_INPUT_BYTES, DEFAULT_MAX_INPUT_BYTES, 1, HTTP_BODY_CAP);
    return new ChassisSettings(
        platform,
        operator,
        (int) maxInput,
        MasterKeysReader.read(config, VAULT),
        kvRedis(config),
        McpSettings.from(config));
  }

  private static Optional<RedisEndpoint> kvRedis(Config config) {
    try {
      return config.secret(KV_REDIS_URL).map(RedisEndpoint::parse);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(KV_REDIS_URL + ": " + e.getMessage(), e);
    }
  }

  /**
   * The limit of the registration route's bodies: the largest module's, {@link
   * #registrationBodyBytes}.
   */
  public long maxRegistrationBytes() {
    return registrationBodyBytes(operator.moduleCaps().maxModuleBytes());
  }

  /**
   * The request body a registration of a {@code moduleBytes} module needs: the module in base64
   * plus room for the signed contract and the JSON around both.
   */
  public static long registrationBodyBytes(int moduleBytes) {
    return 4L * ((moduleBytes + 2L) / 3) + CONTRACT_ROOM;
  }
}
