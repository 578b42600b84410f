package com.infrafabric.chassis;

import com.infrafabric.chassis.egress.EgressSettings;
import com.infrafabric.chassis.egress.TrustedTarget;
import com.infrafabric.hostapi.contract.ResourceLimits;
import com.infrafabric.llm.ProviderSettings;
import com.infrafabric.platform.auth.JwtSettings;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the operator decides: which publishers are trusted, the caps every contract must stay
 * within, how large modules may be, how much the sandbox may hold at once, the egress policy, the
 * model providers, and how grants from the governor are verified. Built with {@link #builder()};
 * every value is checked with a message naming it.
 */
public final class OperatorSettings {

  private final TrustedPublishers trustedPublishers;
  private final ResourceLimits limitCaps;
  private final long kvMaxBytesCap;
  private final int kvMaxKeysCap;
  private final long kvTenantMaxBytes;
  private final int kvMaxValueBytes;
  private final int kvHeadroomPercent;
  private final KvTraffic kvTraffic;
  private final int httpMaxRequestsCap;
  private final Duration httpTotalTimeoutCap;
  private final int httpMaxResponseBytesCap;
  private final int llmMaxCallsCap;
  private final int llmMaxOutputTokensCap;
  private final List<ProviderSettings> llmProviders;
  private final Optional<JwtSettings> grantVerification;
  private final ModuleCaps moduleCaps;
  private final SandboxSettings sandbox;
  private final GuestLogSettings guestLogs;
  private final EgressSettings egress;

  private OperatorSettings(Builder b) {
    this.trustedPublishers = b.trustedPublishers;
    this.limitCaps = b.limitCaps;
    this.kvMaxBytesCap = b.kvMaxBytesCap;
    this.kvMaxKeysCap = b.kvMaxKeysCap;
    this.kvTenantMaxBytes = b.kvTenantMaxBytes;
    this.kvMaxValueBytes = b.kvMaxValueBytes;
    this.kvHeadroomPercent = b.kvHeadroomPercent;
    this.kvTraffic = b.kvTraffic;
    this.httpMaxRequestsCap = b.httpMaxRequestsCap;
    this.httpTotalTimeoutCap = b.httpTotalTimeoutCap;
    this.httpMaxResponseBytesCap = b.httpMaxResponseBytesCap;
    this.llmMaxCallsCap = b.llmMaxCallsCap;
    this.llmMaxOutputTokensCap = b.llmMaxOutputTokensCap;
    this.llmProviders = b.llmProviders;
    this.grantVerification = b.grantVerification;
    this.moduleCaps = b.moduleCaps;
    this.sandbox = b.sandbox;
    this.guestLogs = b.guestLogs;
    this.egress =
        new EgressSettings(
            b.allowedSchemes,
            b.allowedPorts,
            b.trustedTargets.stream().map(TrustedTarget::parse).toList(),
            b.maxRedirects,
            b.resolveTimeout,
            b.maxHeaderBytes,
            b.maxRequestBodyBytes);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The largest value each contract limit may take. */
  public ResourceLimits limitCaps() {
    return limitCaps;
  }

  public long kvMaxBytesCap() {
    return kvMaxBytesCap;
  }

  public int kvMaxKeysCap() {
    return kvMaxKeysCap;
  }

  /** What one tenant's key-value namespaces together may hold in Redis, in bytes. */
  public long kvTenantMaxBytes() {
    return kvTenantMaxBytes;
  }

  /** The largest value one {@code kv_put} may store, in bytes. */
  public int kvMaxValueBytes() {
    return kvMaxValueBytes;
  }

  /**
   * The share of the Redis server's {@code maxmemory}, in percent, that tool key-value data may
   * never take, so the money path and the control plane sharing the server keep it.
   */
  public int kvHeadroomPercent() {
    return kvHeadroomPercent;
  }

  /** What one invocation's kv calls may ask of the store. */
  public KvTraffic kvTraffic() {
    return kvTraffic;
  }

  public int httpMaxRequestsCap() {
    return httpMaxRequestsCap;
  }

  public Duration httpTotalTimeoutCap() {
    return httpTotalTimeoutCap;
  }

  public int httpMaxResponseBytesCap() {
    return httpMaxResponseBytesCap;
  }

  public int llmMaxCallsCap() {
    return llmMaxCallsCap;
  }

  public int llmMaxOutputTokensCap() {
    return llmMaxOutputTokensCap;
  }

  /** The model providers, each serving its models; no model is served by two. */
  public List<ProviderSettings> llmProviders() {
    return llmProviders;
  }

  /**
   * How grant tokens are verified (the governor's public keys, issuer, this chassis's audience).
   */
  public Optional<JwtSettings> grantVerification() {
    return grantVerification;
  }

  public ModuleCaps moduleCaps() {
    return moduleCaps;
  }

  public SandboxSettings sandbox() {
    return sandbox;
  }

  public GuestLogSettings guestLogs() {
    return guestLogs;
  }

  /** The keys whose ES256 signatures on contracts are accepted, and their publishers. */
  TrustedPublishers trustedPublishers() {
    return trustedPublishers;
  }

  EgressSettings egress() {
    return egress;
  }

  /**
   * How much guest work the process holds at once.
   *
   * @param guestThreads threads that run guests; each runs one invocation at a time
   * @param queueCapacity admitted invocations waiting for a thread; beyond it, rejection at once
   * @param memoryBudgetBytes sum of the host footprints of admitted invocations: guest memory and
   *     what the host holds for them (see HostFootprint in the chassis README)
   * @param guestStackBytes stack size of each guest thread, which bounds guest call depth
   * @param watchdogInterval how often deadlines and CPU time are checked
   * @param toolCacheTtl how long a tool record read from Redis is reused; a delete on another node
   *     takes effect within it
   * @param guestSpin how long an idle guest thread keeps polling for the next invocation before it
   *     parks (one thread at a time, yielding), so invocations in a burst skip a thread wake-up;
   *     zero parks at once, at most 1 ms. Costs at most one core for this long after each
   *     invocation
   * @param tenantSharePercent the most of the guest threads, of the admitted places and of the
   *     memory budget one tenant may hold at once, in percent (at least one thread and one
   *     invocation): what it leaves is for the other tenants, so one cannot exhaust the node. 100
   *     lets one tenant take everything, for a node that serves one
   */
  public record SandboxSettings(
      int guestThreads,
      int queueCapacity,
      long memoryBudgetBytes,
      long guestStackBytes,
      Duration watchdogInterval,
      Duration toolCacheTtl,
      Duration guestSpin,
      int tenantSharePercent) {

    public SandboxSettings {
      within("sandbox.guestThreads", guestThreads, 1, 1024);
      within("sandbox.queueCapacity", queueCapacity, 0, 100_000);
      within("sandbox.memoryBudgetBytes", memoryBudgetBytes, 1 << 16, Long.MAX_VALUE);
      within("sandbox.guestStackBytes", guestStackBytes, 64 << 10, 256 << 20);
      within("sandbox.watchdogIntervalMs", watchdogInterval.toMillis(), 1, 1000);
      within("sandbox.toolCacheTtlMs", toolCacheTtl.toMillis(), 0, 60_000);
      within("sandbox.guestSpinMicros", guestSpin.toNanos() / 1000, 0, 1000);
      within("sandbox.tenantSharePercent", tenantSharePercent, 1, 100);
    }

    /** These settings with another {@code guestSpin}, e.g. to compare spins on one workload. */
    public SandboxSettings withGuestSpin(Duration spin) {
      return new SandboxSettings(
          guestThreads,
          queueCapacity,
          memoryBudgetBytes,
          guestStackBytes,
          watchdogInterval,
          toolCacheTtl,
          spin,
          tenantSharePercent);
    }
  }

  /**
   * What guests' logs may cost beyond the contract's log bytes.
   *
   * @param maxEntries entries one invocation may log; one more stops it with {@code LOG_LIMIT}
   * @param relayLinesPerSecond guest log lines per tenant and tool this node copies into its
   *     service log per second; the rest are counted in {@code chassis.guest.log.dropped}
   * @param relayBurst lines per tenant and tool copied at once after a quiet spell
   */
  public record GuestLogSettings(int maxEntries, int relayLinesPerSecond, int relayBurst) {

    public GuestLogSettings {
      within("sandbox.logMaxEntries", maxEntries, 1, 1_000_000);
      within("sandbox.logRelayPerSecond", relayLinesPerSecond, 1, 1_000_000);
      within("sandbox.logRelayBurst", relayBurst, 1, 1_000_000);
    }
  }

  /**
   * What one invocation's kv calls may ask of the store, which every tenant shares: each call is
   * bounded (a value, a page of keys), but without a bound per invocation a loop of them holds the
   * store for as long as the invocation runs (a {@code kv_list} loop moved 7 GB in 30 s and slowed
   * another tenant's calls threefold). A call past either bound reaches no store and answers {@code
   * REQUEST_LIMIT}, as an HTTP request past the contract's count does.
   *
   * @param maxRequests kv calls one invocation may send to the store
   * @param maxBytes bytes of keys and values one invocation's kv calls may move either way: a put's
   *     key and value, a get's key and the value it read, a delete's key, a list's prefix and the
   *     keys it read. A call is refused when what it sends would pass it; what a get or a list
   *     reads is counted when it arrives, so the last one may pass it by one value or one page
   */
  public record KvTraffic(int maxRequests, long maxBytes) {

    public KvTraffic {
      within("kv.invocationMaxRequests", maxRequests, 1, 10_000_000);
      within("kv.invocationMaxBytes", maxBytes, 1, 1L << 40);
    }
  }

  static void within(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " " + value + " is outside " + min + ".." + max);
    }
  }

  /** Defaults suit a small node; {@link #trustedPublishersJwks(String)} is required. */
  public static final class Builder {
    private TrustedPublishers trustedPublishers;
    private ResourceLimits limitCaps =
        ResourceLimits.builder()
            .timeout(Duration.ofSeconds(30))
            .cpuTime(Duration.ofSeconds(10))
            .memoryMaxPages(1024)
            .tableMaxEntries(100_000)
            .outputMaxBytes(4 << 20)
            .logMaxBytes(1 << 20)
            .hostCallsMax(1_000_000)
            .build();
    private long kvMaxBytesCap = 64L << 20;
    private int kvMaxKeysCap = 100_000;
    private long kvTenantMaxBytes = 256L << 20;
    private int kvMaxValueBytes = 1 << 20;
    private int kvHeadroomPercent = 25;
    private KvTraffic kvTraffic = new KvTraffic(10_000, 64L << 20);
    private int httpMaxRequestsCap = 100;
    private Duration httpTotalTimeoutCap = Duration.ofSeconds(30);
    private int httpMaxResponseBytesCap = 8 << 20;
    private int llmMaxCallsCap = 20;
    private int llmMaxOutputTokensCap = 16_384;
    private List<ProviderSettings> llmProviders = List.of();
    private Optional<JwtSettings> grantVerification = Optional.empty();
    private ModuleCaps moduleCaps = ModuleCaps.defaults();
    private SandboxSettings sandbox =
        new SandboxSettings(
            Runtime.getRuntime().availableProcessors(),
            64,
            512L << 20,
            1L << 20,
            Duration.ofMillis(5),
            Duration.ofSeconds(1),
            Duration.of(50, ChronoUnit.MICROS),
            50);
    private GuestLogSettings guestLogs = new GuestLogSettings(1000, 20, 100);
    private Set<String> allowedSchemes = Set.of("https");
    private Set<Integer> allowedPorts = Set.of(443);
    private List<String> trustedTargets = List.of();
    private int maxRedirects = 3;
    private Duration resolveTimeout = Duration.ofSeconds(2);
    private int maxHeaderBytes = 16 << 10;
    private int maxRequestBodyBytes = 1 << 20;

    private Builder() {}

    /**
     * The trusted publisher keys as a JWKS document: public EC P-256 keys, each with a {@code kid}
     * and optionally the {@code publisher} it signs for ({@link TrustedPublishers}).
     *
     * @throws IllegalArgumentException naming the key that is unusable
     */
    public Builder trustedPublishersJwks(String jwks) {
      this.trustedPublishers = TrustedPublishers.parse(jwks);
      return this;
    }

    public Builder limitCaps(ResourceLimits caps) {
      this.limitCaps = Objects.requireNonNull(caps);
      return this;
    }

    public Builder kvCaps(long maxBytes, int maxKeys) {
      within("kv.maxBytes cap", maxBytes, 1, Long.MAX_VALUE);
      within("kv.maxKeys cap", maxKeys, 1, 10_000_000);
      this.kvMaxBytesCap = maxBytes;
      this.kvMaxKeysCap = maxKeys;
      return this;
    }

    /**
     * What one tenant's key-value namespaces together may hold in Redis (keys, base64 values and a
     * per-entry overhead), whatever each namespace's own quota: a tenant that publishes many tools
     * cannot take the share the others need. 256 MiB by default; a write past it is refused with
     * {@code QUOTA_EXCEEDED}.
     */
    public Builder kvTenantMaxBytes(long bytes) {
      within("kv.tenantMaxBytes", bytes, 1, Long.MAX_VALUE);
      this.kvTenantMaxBytes = bytes;
      return this;
    }

    /**
     * The largest value one {@code kv_put} may store (1 MiB by default, at most 16 MiB): a value
     * travels to Redis as one script argument and back as one reply, and a large one holds the
     * server, which every tenant shares, for as long as it takes. A larger put is refused with
     * {@code QUOTA_EXCEEDED} before the value is read.
     */
    public Builder kvMaxValueBytes(int bytes) {
      within("kv.maxValueBytes", bytes, 1, 16 << 20);
      this.kvMaxValueBytes = bytes;
      return this;
    }

    /**
     * The share of the Redis server's {@code maxmemory} tool key-value data may never take: a kv
     * write that would leave less than this free is refused with {@code QUOTA_EXCEEDED}. 25% by
     * default.
     */
    public Builder kvHeadroomPercent(int percent) {
      within("kv.headroomPercent", percent, 1, 90);
      this.kvHeadroomPercent = percent;
      return this;
    }

    /** What one invocation's kv calls may ask of the store: 10,000 calls and 64 MiB by default. */
    public Builder kvTraffic(KvTraffic traffic) {
      this.kvTraffic = Objects.requireNonNull(traffic);
      return this;
    }

    public Builder httpCaps(int maxRequests, Duration totalTimeout, int maxResponseBytes) {
      within("http.maxRequests cap", maxRequests, 1, 10_000);
      within("http.totalTimeoutMs cap", totalTimeout.toMillis(), 1, 600_000);
      within("http.maxResponseBytes cap", maxResponseBytes, 1, 1 << 30);
      this.httpMaxRequestsCap = maxRequests;
      this.httpTotalTimeoutCap = totalTimeout;
      this.httpMaxResponseBytesCap = maxResponseBytes;
      return this;
    }

    public Builder llmCaps(int maxCalls, int maxOutputTokens) {
      within("llm.maxCalls cap", maxCalls, 1, 10_000);
      within("llm.maxOutputTokens cap", maxOutputTokens, 1, 1_000_000);
      this.llmMaxCallsCap = maxCalls;
      this.llmMaxOutputTokensCap = maxOutputTokens;
      return this;
    }

    /**
     * The model providers. Each model must be served by one provider only.
     *
     * @throws IllegalArgumentException naming a model served twice or a provider name used twice
     */
    public Builder llmProviders(List<ProviderSettings> providers) {
      Set<String> names = new HashSet<>();
      Set<String> models = new HashSet<>();
      for (ProviderSettings provider : providers) {
        if (!names.add(provider.name())) {
          throw new IllegalArgumentException("llm provider " + provider.name() + " appears twice");
        }
        for (String model : provider.models()) {
          if (!models.add(model)) {
            throw new IllegalArgumentException("llm model " + model + " is served twice");
          }
        }
      }
      this.llmProviders = List.copyOf(providers);
      return this;
    }

    /**
     * Verifies grant tokens with the governor's public JWK set file, issuer and this chassis's
     * audience (ES256). Without it every grant is refused, so tools asking for {@code llm} or
     * credentials cannot run.
     */
    public Builder grantVerification(JwtSettings settings) {
      this.grantVerification = Optional.of(settings);
      return this;
    }

    public Builder moduleCaps(ModuleCaps caps) {
      this.moduleCaps = Objects.requireNonNull(caps);
      return this;
    }

    public Builder sandbox(SandboxSettings settings) {
      this.sandbox = Objects.requireNonNull(settings);
      return this;
    }

    public Builder guestLogs(GuestLogSettings settings) {
      this.guestLogs = Objects.requireNonNull(settings);
      return this;
    }

    /** Schemes contracts may use ({@code https} by default; add {@code http} deliberately). */
    public Builder allowedSchemes(Set<String> schemes) {
      this.allowedSchemes = Set.copyOf(schemes);
      return this;
    }

    /** Ports contracts may name in allow-lists (443 by default). */
    public Builder allowedPorts(Set<Integer> ports) {
      this.allowedPorts = Set.copyOf(ports);
      return this;
    }

    /**
     * Non-public {@code cidr:port} pairs guests may reach anyway, e.g. {@code 10.1.2.3/32:8443}.
     * Empty by default: loopback, private, link-local and metadata addresses are unreachable.
     */
    public Builder trustedTargets(List<String> targets) {
      this.trustedTargets = List.copyOf(targets);
      return this;
    }

    public Builder maxRedirects(int value) {
      this.maxRedirects = value;
      return this;
    }

    public Builder resolveTimeout(Duration value) {
      this.resolveTimeout = Objects.requireNonNull(value);
      return this;
    }

    public Builder maxHeaderBytes(int value) {
      this.maxHeaderBytes = value;
      return this;
    }

    public Builder maxRequestBodyBytes(int value) {
      this.maxRequestBodyBytes = value;
      return this;
    }

    /**
     * @throws IllegalArgumentException if a value is out of range or no publisher is trusted
     */
    public OperatorSettings build() {
      if (trustedPublishers == null) {
        throw new IllegalArgumentException("trustedPublishers must hold at least one key");
      }
      return new OperatorSettings(this);
    }
  }
}
