package com.infrafabric.chassis.service;

import com.infrafabric.chassis.ModuleCaps;
import com.infrafabric.chassis.OperatorSettings;
import com.infrafabric.chassis.OperatorSettings.GuestLogSettings;
import com.infrafabric.chassis.OperatorSettings.SandboxSettings;
import com.infrafabric.chassis.egress.EgressSettings;
import com.infrafabric.chassis.egress.TrustedTarget;
import com.infrafabric.hostapi.contract.ResourceLimits;
import com.infrafabric.llm.ProviderSettingsReader;
import com.infrafabric.platform.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the chassis operator's decisions from configuration: trusted publishers, the caps every
 * contract must stay within, module caps, sandbox sizing, the egress policy, the model providers
 * ({@link ProviderSettingsReader}) and the governor's grant keys ({@link GrantKeys}). Every value
 * is checked here with a message naming its key; unset keys keep {@link OperatorSettings}'s
 * defaults.
 */
final class OperatorSettingsReader {

  static final String PUBLISHERS = "chassis.publishers.jwksFile";
  static final String MAX_MODULE_BYTES = "chassis.module.maxModuleBytes";

  private final Config config;

  private OperatorSettingsReader(Config config) {
    this.config = config;
  }

  static OperatorSettings read(Config config) {
    return new OperatorSettingsReader(config).operatorConfig();
  }

  private OperatorSettings operatorConfig() {
    String jwks = publishersJwks();
    OperatorSettings defaults = defaults(jwks);
    EgressSettings egress = egress(EgressSettings.defaults());
    OperatorSettings.Builder builder = llm(OperatorSettings.builder(), defaults);
    GrantKeys.read(config).ifPresent(builder::grantVerification);
    return builder
        .trustedPublishersJwks(jwks)
        .limitCaps(limitCaps(defaults.limitCaps()))
        .kvCaps(
            config.integer("chassis.caps.kvMaxBytes", defaults.kvMaxBytesCap(), 1, Long.MAX_VALUE),
            integer("chassis.caps.kvMaxKeys", defaults.kvMaxKeysCap(), 1, 10_000_000))
        .kvMaxValueBytes(
            integer("chassis.kv.maxValueBytes", defaults.kvMaxValueBytes(), 1, 16 << 20))
        .kvTenantMaxBytes(
            config.integer(
                "chassis.kv.tenantMaxBytes", defaults.kvTenantMaxBytes(), 1, Long.MAX_VALUE))
        .kvHeadroomPercent(
            integer("chassis.kv.headroomPercent", defaults.kvHeadroomPercent(), 1, 90))
        .kvTraffic(
            new OperatorSettings.KvTraffic(
                integer(
                    "chassis.kv.invocationMaxRequests",
                    defaults.kvTraffic().maxRequests(),
                    1,
                    10_000_000),
                config.integer(
                    "chassis.kv.invocationMaxBytes", defaults.kvTraffic().maxBytes(), 1, 1L << 40)))
        .httpCaps(
            integer("chassis.caps.httpMaxRequests", defaults.httpMaxRequestsCap(), 1, 10_000),
            millis("chassis.caps.httpTotalTimeout", defaults.httpTotalTimeoutCap(), 1, 600_000),
            integer(
                "chassis.caps.httpMaxResponseBytes",
                defaults.httpMaxResponseBytesCap(),
                1,
                1 << 30))
        .moduleCaps(moduleCaps(defaults.moduleCaps()))
        .sandbox(sandbox(defaults.sandbox()))
        .guestLogs(guestLogs(defaults.guestLogs()))
        .allowedSchemes(egress.allowedSchemes())
        .allowedPorts(egress.allowedPorts())
        .trustedTargets(egress.trustedTargets().stream().map(TrustedTarget::toString).toList())
        .maxRedirects(egress.maxRedirects())
        .resolveTimeout(egress.resolveTimeout())
        .maxHeaderBytes(egress.maxHeaderBytes())
        .maxRequestBodyBytes(egress.maxRequestBodyBytes())
        .build();
  }

  /** The model providers, and the caps on what a contract's llm capability may ask for. */
  private OperatorSettings.Builder llm(
      OperatorSettings.Builder builder, OperatorSettings defaults) {
    return builder
        .llmCaps(
            integer("chassis.caps.llmMaxCalls", defaults.llmMaxCallsCap(), 1, 10_000),
            integer(
                "chassis.caps.llmMaxOutputTokens", defaults.llmMaxOutputTokensCap(), 1, 1_000_000))
        .llmProviders(ProviderSettingsReader.providers(config, "chassis.llm."));
  }

  private String publishersJwks() {
    Path file = Path.of(config.required(PUBLISHERS));
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(PUBLISHERS + " " + file + " cannot be read");
    }
  }

  /** The operator defaults with these publishers; where a bad publisher key set is reported. */
  private OperatorSettings defaults(String jwks) {
    try {
      return OperatorSettings.builder().trustedPublishersJwks(jwks).build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          PUBLISHERS + " " + config.required(PUBLISHERS) + ": " + e.getMessage(), e);
    }
  }

  private ResourceLimits limitCaps(ResourceLimits defaults) {
    return ResourceLimits.builder()
        .timeout(millis("chassis.caps.timeout", defaults.timeout(), 1, 3_600_000))
        .cpuTime(millis("chassis.caps.cpuTime", defaults.cpuTime(), 1, 3_600_000))
        .memoryMaxPages(
            integer("chassis.caps.memoryMaxPages", defaults.memoryMaxPages(), 1, 65_536))
        .tableMaxEntries(
            integer("chassis.caps.tableMaxEntries", defaults.tableMaxEntries(), 0, 10_000_000))
        .outputMaxBytes(
            integer("chassis.caps.outputMaxBytes", defaults.outputMaxBytes(), 1, 1 << 30))
        .logMaxBytes(integer("chassis.caps.logMaxBytes", defaults.logMaxBytes(), 0, 1 << 30))
        .hostCallsMax(
            integer("chassis.caps.hostCallsMax", defaults.hostCallsMax(), 1, Integer.MAX_VALUE))
        .build();
  }

  private ModuleCaps moduleCaps(ModuleCaps defaults) {
    return ModuleCaps.builder()
        .maxModuleBytes(integer(MAX_MODULE_BYTES, defaults.maxModuleBytes(), 8, 64 << 20))
        .maxFunctions(integer("chassis.module.maxFunctions", defaults.maxFunctions(), 1, 100_000))
        .maxFunctionBodyBytes(
            integer(
                "chassis.module.maxFunctionBodyBytes",
                defaults.maxFunctionBodyBytes(),
                1,
                7_654_321))
        .maxLocalsPerFunction(
            integer(
                "chassis.module.maxLocalsPerFunction", defaults.maxLocalsPerFunction(), 0, 50_000))
        .maxLocals(config.integer("chassis.module.maxLocals", defaults.maxLocals(), 0, 50_000_000))
        .maxBranchTargetsPerFunction(
            integer(
                "chassis.module.maxBranchTargetsPerFunction",
                defaults.maxBranchTargetsPerFunction(),
                1,
                1_000_000))
        .maxBranchTargets(
            config.integer(
                "chassis.module.maxBranchTargets", defaults.maxBranchTargets(), 1, 100_000_000))
        .maxTypes(integer("chassis.module.maxTypes", defaults.maxTypes(), 0, 1_000_000))
        .maxTypeArity(integer("chassis.module.maxTypeArity", defaults.maxTypeArity(), 0, 1_000))
        .maxImports(integer("chassis.module.maxImports", defaults.maxImports(), 0, 100_000))
        .maxExports(integer("chassis.module.maxExports", defaults.maxExports(), 0, 100_000))
        .maxGlobals(integer("chassis.module.maxGlobals", defaults.maxGlobals(), 0, 1_000_000))
        .maxTables(integer("chassis.module.maxTables", defaults.maxTables(), 0, 100_000))
        .maxDataSegments(
            integer("chassis.module.maxDataSegments", defaults.maxDataSegments(), 0, 100_000))
        .maxElementSegments(
            integer("chassis.module.maxElementSegments", defaults.maxElementSegments(), 0, 100_000))
        .maxElements(integer("chassis.module.maxElements", defaults.maxElements(), 0, 10_000_000))
        .maxCustomSections(
            integer("chassis.module.maxCustomSections", defaults.maxCustomSections(), 0, 100_000))
        .compileTimeout(
            millis("chassis.module.compileTimeout", defaults.compileTimeout(), 1, 600_000))
        .compiledCacheSize(
            integer("chassis.module.compiledCacheSize", defaults.compiledCacheSize(), 1, 100_000))
        .compiledCacheBytes(
            config.integer(
                "chassis.module.compiledCacheBytes",
                defaults.compiledCacheBytes(),
                1 << 20,
                Long.MAX_VALUE))
        .buildThreads(integer("chassis.module.buildThreads", defaults.buildThreads(), 1, 64))
        .buildQueue(integer("chassis.module.buildQueue", defaults.buildQueue(), 0, 10_000))
        .buildMemoryBytes(
            config.integer(
                "chassis.module.buildMemoryBytes",
                defaults.buildMemoryBytes(),
                1 << 20,
                Long.MAX_VALUE))
        .build();
  }

  private SandboxSettings sandbox(SandboxSettings defaults) {
    return new SandboxSettings(
        integer("chassis.sandbox.guestThreads", defaults.guestThreads(), 1, 1024),
        integer("chassis.sandbox.queueCapacity", defaults.queueCapacity(), 0, 100_000),
        config.integer(
            "chassis.sandbox.memoryBudgetBytes",
            defaults.memoryBudgetBytes(),
            1 << 16,
            Long.MAX_VALUE),
        config.integer(
            "chassis.sandbox.guestStackBytes", defaults.guestStackBytes(), 64 << 10, 256 << 20),
        millis("chassis.sandbox.watchdogInterval", defaults.watchdogInterval(), 1, 1000),
        millis("chassis.sandbox.toolCacheTtl", defaults.toolCacheTtl(), 0, 60_000),
        Duration.of(
            config.integer(
                "chassis.sandbox.guestSpinMicros", defaults.guestSpin().toNanos() / 1000, 0, 1000),
            ChronoUnit.MICROS),
        integer("chassis.sandbox.tenantSharePercent", defaults.tenantSharePercent(), 1, 100));
  }

  private GuestLogSettings guestLogs(GuestLogSettings defaults) {
    return new GuestLogSettings(
        integer("chassis.sandbox.logMaxEntries", defaults.maxEntries(), 1, 1_000_000),
        integer("chassis.sandbox.logRelayPerSecond", defaults.relayLinesPerSecond(), 1, 1_000_000),
        integer("chassis.sandbox.logRelayBurst", defaults.relayBurst(), 1, 1_000_000));
  }

  /** The egress keys; the policy checks schemes and trusted targets with egress.* messages. */
  private EgressSettings egress(EgressSettings defaults) {
    Set<String> schemes = new HashSet<>(config.list("chassis.egress.allowedSchemes"));
    Set<Integer> ports = new HashSet<>();
    for (String port : config.list("chassis.egress.allowedPorts")) {
      ports.add(port(port));
    }
    List<String> targets = config.list("chassis.egress.trustedTargets");
    int maxRedirects = integer("chassis.egress.maxRedirects", defaults.maxRedirects(), 0, 10);
    Duration resolveTimeout =
        millis("chassis.egress.resolveTimeout", defaults.resolveTimeout(), 1, 60_000);
    int maxHeaderBytes =
        integer("chassis.egress.maxHeaderBytes", defaults.maxHeaderBytes(), 1024, 1 << 20);
    int maxRequestBodyBytes =
        integer(
            "chassis.egress.maxRequestBodyBytes",
            defaults.maxRequestBodyBytes(),
            0,
            Integer.MAX_VALUE);
    try {
      return new EgressSettings(
          schemes.isEmpty() ? defaults.allowedSchemes() : schemes,
          ports.isEmpty() ? defaults.allowedPorts() : ports,
          targets.stream().map(TrustedTarget::parse).toList(),
          maxRedirects,
          resolveTimeout,
          maxHeaderBytes,
          maxRequestBodyBytes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("chassis." + e.getMessage(), e);
    }
  }

  private static int port(String text) {
    if (!text.matches("[0-9]{1,5}")
        || Integer.parseInt(text) < 1
        || Integer.parseInt(text) > 65_535) {
      throw new IllegalArgumentException(
          "chassis.egress.allowedPorts entry " + text + " is not a port (1..65535)");
    }
    return Integer.parseInt(text);
  }

  private int integer(String key, long defaultValue, long min, long max) {
    return (int) config.integer(key, defaultValue, min, max);
  }

  private Duration millis(String key, Duration defaultValue, long minMillis, long maxMillis) {
    return millis(config, key, defaultValue, minMillis, maxMillis);
  }

  /** A duration key whose value must lie within {@code minMillis..maxMillis}. */
  static Duration millis(
      Config config, String key, Duration defaultValue, long minMillis, long maxMillis) {
    Duration value = config.duration(key, defaultValue);
    if (value.toMillis() < minMillis || value.toMillis() > maxMillis) {
      throw new IllegalArgumentException(
          key + " " + value.toMillis() + " ms is outside " + minMillis + ".." + maxMillis + " ms");
    }
    return value;
  }
}
