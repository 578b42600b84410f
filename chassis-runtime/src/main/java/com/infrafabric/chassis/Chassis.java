package com.infrafabric.chassis;

import com.infrafabric.chassis.credential.CredentialVault;
import com.infrafabric.chassis.internal.capability.EarlierKvLayout;
import com.infrafabric.chassis.internal.capability.HostLinker;
import com.infrafabric.chassis.internal.capability.KvStore;
import com.infrafabric.chassis.internal.contract.ContractCaps;
import com.infrafabric.chassis.internal.contract.ContractVerifier;
import com.infrafabric.chassis.internal.contract.ToolSchemas;
import com.infrafabric.chassis.internal.credential.RedisCredentialVault;
import com.infrafabric.chassis.internal.egress.EgressPolicy;
import com.infrafabric.chassis.internal.egress.HttpEgress;
import com.infrafabric.chassis.internal.egress.OriginServers;
import com.infrafabric.chassis.internal.egress.ResolverPool;
import com.infrafabric.chassis.internal.grant.GrantLedger;
import com.infrafabric.chassis.internal.grant.GrantVerifier;
import com.infrafabric.chassis.internal.llm.LlmGateway;
import com.infrafabric.chassis.internal.module.CompiledModules;
import com.infrafabric.chassis.internal.module.ModuleBuilds;
import com.infrafabric.chassis.internal.module.ModuleRegistry;
import com.infrafabric.chassis.internal.module.ModuleValidator;
import com.infrafabric.chassis.internal.registry.ResolvedTool;
import com.infrafabric.chassis.internal.registry.ToolCatalog;
import com.infrafabric.chassis.internal.sandbox.Admission;
import com.infrafabric.chassis.internal.sandbox.GuestLogs;
import com.infrafabric.chassis.internal.sandbox.GuestThreads;
import com.infrafabric.chassis.internal.sandbox.Invocation;
import com.infrafabric.chassis.internal.sandbox.Invoker;
import com.infrafabric.chassis.internal.sandbox.JsonValues;
import com.infrafabric.chassis.internal.sandbox.Watchdog;
import com.infrafabric.chassis.llm.BudgetPort;
import com.infrafabric.llm.Cancellation;
import com.infrafabric.llm.Providers;
import com.infrafabric.llm.vault.CredentialStore;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.platform.auth.JwtAuthenticator;
import com.infrafabric.platform.auth.JwtSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.RedisUnavailableException;
import com.infrafabric.platform.retry.RetryUntil;
import com.infrafabric.wire.grant.Grant;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IF.chassis: registers tool modules under signed contracts and invokes them in a sandbox. The one
 * entry point of this module; a REST layer maps each method to one route.
 *
 * <p>Every method returns a Vert.x {@link Future} and never blocks the caller: parsing, validation
 * and compilation run on the chassis's bounded build threads, guests on its own guest threads, and
 * so do heavy schema checks of a tool's input and output, in the invoking tenant's turn. When
 * called on a Vert.x context, futures complete on that context.
 *
 * <p>Registration failures are {@link ChassisException}s with a stable {@link ErrorCode};
 * invocations always produce an {@link InvocationResult}, whatever the guest did. A Redis outage
 * fails registry calls with {@link RedisUnavailableException} and gives invocations the outcome
 * {@link Outcome#UNAVAILABLE}. Thread-safe.
 */
public final class Chassis implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Chassis.class);

  /**
   * Inputs up to this size are read where they arrive, to weigh their schema check ({@link
   * ToolSchemas.Check}); a larger one is read and checked on a guest thread.
   */
  static final int INLINE_CHECK_BYTES = 64 << 10;

  /** Input checks up to this weight are made where they arrive; heavier ones on a guest thread. */
  static final long INLINE_CHECKS = 4_096;

  private final Clock clock;
  private final ToolCatalog catalog;
  private final Invoker invoker;
  private final GrantVerifier grants;
  private final GuestLogs guestLogs;
  private final Optional<CredentialVault> vault;
  private final ChassisMetrics metrics;
  private final EarlierKvLayout kvLayout;
  private final Runnable resources;

  private Chassis(
      Clock clock,
      ToolCatalog catalog,
      Invoker invoker,
      GrantVerifier grants,
      GuestLogs guestLogs,
      Optional<CredentialVault> vault,
      ChassisMetrics metrics,
      EarlierKvLayout kvLayout,
      Runnable resources) {
    this.clock = clock;
    this.catalog = catalog;
    this.invoker = invoker;
    this.grants = grants;
    this.guestLogs = guestLogs;
    this.vault = vault;
    this.metrics = metrics;
    this.kvLayout = kvLayout;
    this.resources = resources;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Registers a module with its signed contract (compact JWS). The module is checked, compiled and
   * stored durably; the tool is then {@code contract.name@contract.version}.
   *
   * <p>Example: {@code chassis.register(wasmBytes, jws).map(ToolInfo::ref)}
   */
  /**
   * Readies the stores for this version; a service calls it once, before it serves. Tools'
   * key-value data of an earlier layout is moved into this one ({@link EarlierKvLayout}), so an
   * upgrade keeps it; fails if the store cannot be read whole.
   */
  public Future<Void> prepareStores() {
    return kvLayout
        .adoptAll()
        .onSuccess(
            moved -> {
              if (moved > 0) {
                LOG.info("moved {} tool key-value namespaces into the tenant-tagged layout", moved);
              }
            })
        .mapEmpty();
  }

  public Future<ToolInfo> register(byte[] module, String signedContract) {
    return onCaller(
        catalog
            .register(module, signedContract)
            .onFailure(
                failure -> {
                  if (failure instanceof UnlinkableModuleException) {
                    metrics.denied("unregistered", "import", "contract");
                  }
                }));
  }

  /**
   * The tool versions among {@code refs} that are registered, in the order given: one Redis read
   * each, so a caller pages through {@link #refs()} and describes one page at a time.
   */
  public Future<List<ToolInfo>> describe(List<ToolRef> refs) {
    return onCaller(catalog.describe(refs));
  }

  /**
   * Every registered tool version's reference, sorted by name and version: one Redis read, no
   * contract parsed (what changed, which version is newest).
   */
  public Future<List<ToolRef>> refs() {
    return onCaller(catalog.refs());
  }

  /** One tool version, if registered. Example: {@code chassis.get(ToolRef.parse("echo@1.0.0"))} */
  public Future<Optional<ToolInfo>> get(ToolRef ref) {
    return onCaller(catalog.get(ref));
  }

  /** Deletes a tool version; true if it existed. Other nodes stop using it within the tool TTL. */
  public Future<Boolean> delete(ToolRef ref) {
    return onCaller(catalog.delete(ref));
  }

  /**
   * Invokes a tool with JSON input. Always succeeds with a result unless the chassis itself fails
   * (a bug); see {@link Outcome} for what a result can say.
   *
   * <p>With a grant token in the context, the grant is verified first (signature, expiry, audience,
   * tenant, agent, module digest) and one of its uses counted in Redis; the tool then runs with the
   * capabilities both its contract and the grant allow. A tool whose contract asks for {@code llm}
   * or credentials runs only under a grant ({@link Outcome#GRANT_REQUIRED}).
   *
   * <p>Example: {@code chassis.invoke(ToolRef.parse("echo@1.0.0"), "{\"x\":1}", new
   * InvocationContext("acme", "agent-7", "inv-42").withGrant(grantToken))}
   */
  public Future<InvocationResult> invoke(ToolRef ref, String jsonInput, InvocationContext context) {
    return invoke(ref, ToolInput.text(jsonInput), context);
  }

  /**
   * As {@link #invoke(ToolRef, String, InvocationContext)}, with input the caller already parsed.
   */
  public Future<InvocationResult> invoke(
      ToolRef ref, ToolInput toolInput, InvocationContext context) {
    return invoke(ref, toolInput, context, new Cancellation());
  }

  /**
   * As {@link #invoke(ToolRef, ToolInput, InvocationContext)}, for a caller that may stop waiting:
   * once {@code cancellation} is cancelled the invocation ends {@link Outcome#CANCELLED} at once.
   * Still queued (or not yet admitted), it never runs; running, its guest is stopped, an LLM call
   * or HTTP request it waits on is aborted (an LLM call settled as usual: released if never sent,
   * else charged), and its admitted place is free when the result completes. Cancelling after the
   * result does nothing.
   */
  public Future<InvocationResult> invoke(
      ToolRef ref, ToolInput toolInput, InvocationContext context, Cancellation cancellation) {
    Instant start = clock.instant();
    byte[] input = toolInput.bytes();
    Optional<String> problem = toolInput.unchecked().flatMap(Chassis::jsonProblem);
    if (problem.isPresent()) {
      return onCaller(
          recorded(
              ref, false, context, notRun(Outcome.INVALID_INPUT, problem.get(), start, input)));
    }
    return onCaller(
        catalog
            .resolve(ref, context.tenant())
            .transform(
                resolved -> {
                  if (resolved.failed()) {
                    return recorded(ref, false, context, notRun(resolved.cause(), start, input));
                  }
                  Optional<ResolvedTool> tool = resolved.result();
                  return tool.isEmpty()
                      ? recorded(
                          ref,
                          false,
                          context,
                          notRun(
                              Outcome.TOOL_NOT_FOUND,
                              "no tool " + ref + " is registered",
                              start,
                              input))
                      : recorded(
                          ref,
                          true,
                          context,
                          admit(tool.get(), ref, context, input, start, cancellation)
                              .recover(failure -> notRun(failure, start, input)));
                }));
  }

  private static Optional<String> jsonProblem(String text) {
    JsonValues.Verdict verdict = JsonValues.check(text);
    return verdict == JsonValues.Verdict.SINGLE_VALUE
        ? Optional.empty()
        : Optional.of(JsonValues.problem("the input", verdict));
  }

  /**
   * The credential vault (tenants' and the operator's): write-only, sealed under the master keys.
   */
  public CredentialVault credentials() {
    return vault.orElseThrow(
        () ->
            new IllegalStateException(
                "this chassis has no master keys: set Chassis.Builder.masterKeys"));
  }

  private Future<InvocationResult> admit(
      ResolvedTool tool,
      ToolRef ref,
      InvocationContext context,
      byte[] input,
      Instant start,
      Cancellation cancellation) {
    Invoker.Deadline deadline =
        new Invoker.Deadline(
            start, start.plus(tool.info().contract().limits().timeout()), input.length);
    return inputChecked(tool, context.tenant(), input, deadline, cancellation)
        .compose(
            refusal ->
                refusal.isPresent()
                    ? Future.succeededFuture(refusal.get())
                    : granted(tool, ref, context, input, start, cancellation));
  }

  /**
   * The answer to an invocation whose input its schema refuses (or that could not be checked),
   * empty if the input passed. A light check is made where it stands; a heavy one (a value over
   * {@value #INLINE_CHECK_BYTES} bytes, even read there, or over {@value #INLINE_CHECKS} checks) on
   * a guest thread in the tenant's turn ({@link Invoker#checkInput}): linear as a check is, a few
   * milliseconds each would hold the event loop serving every other request, and on a pool every
   * tenant (and the governor's grant signing, in one process) shares, one tenant's expensive inputs
   * would queue everyone's work behind them without limit or deadline.
   */
  private Future<Optional<InvocationResult>> inputChecked(
      ResolvedTool tool,
      String tenant,
      byte[] input,
      Invoker.Deadline deadline,
      Cancellation cancellation) {
    if (input.length > INLINE_CHECK_BYTES) {
      return invoker.checkInput(
          tenant, deadline, cancellation, () -> tool.schemas().input(input).problem());
    }
    ToolSchemas.Check check = tool.schemas().input(input);
    if (check.checks() > INLINE_CHECKS) {
      return invoker.checkInput(tenant, deadline, cancellation, check::problem);
    }
    return Future.succeededFuture(
        check
            .problem()
            .map(
                problem ->
                    invoker.notRun(
                        Outcome.INVALID_INPUT, problem, deadline.start(), input.length)));
  }

  private Future<InvocationResult> granted(
      ResolvedTool tool,
      ToolRef ref,
      InvocationContext context,
      byte[] input,
      Instant start,
      Cancellation cancellation) {
    Optional<String> token = context.grantToken();
    if (token.isEmpty()) {
      return tool.grants().needGrant()
          ? notRun(
              Outcome.GRANT_REQUIRED,
              "tool " + ref + " uses llm or credentials and runs only under a grant",
              start,
              input)
          : run(tool, ref, context, input, start, Optional.empty(), cancellation);
    }
    return grants
        .admit(token.get(), context, tool.info().digest())
        .compose(
            decision ->
                decision instanceof GrantVerifier.Decision.Admitted admitted
                    ? run(
                        tool,
                        ref,
                        context,
                        input,
                        start,
                        Optional.of(admitted.grant()),
                        cancellation)
                    : notRun(
                        Outcome.GRANT_REFUSED,
                        ((GrantVerifier.Decision.Refused) decision).message(),
                        start,
                        input));
  }

  /**
   * Runs the invocation; a use of its grant, counted when the grant was admitted, is given back if
   * no guest code ran (refused by admission, or still queued at its deadline), so a retry of work
   * that never happened is not refused as a replay.
   */
  private Future<InvocationResult> run(
      ResolvedTool tool,
      ToolRef ref,
      InvocationContext context,
      byte[] input,
      Instant start,
      Optional<Grant> grant,
      Cancellation cancellation) {
    Invocation invocation =
        new Invocation(ref, context, tool.info().contract().limits(), input, grant, guestLogs);
    return invoker
        .submit(tool.prepared(), tool.schemas(), invocation, start, cancellation)
        .map(invocation.boundary()::redact)
        .compose(
            result ->
                !result.report().ran() && grant.isPresent()
                    ? grants
                        .refund(grant.get())
                        .transform(refunded -> Future.succeededFuture(result))
                    : Future.succeededFuture(result));
  }

  /**
   * An invocation that could not start because the store is down, or because compiling its module
   * on this node's first use found the build pool full; anything else is a chassis failure.
   */
  private Future<InvocationResult> notRun(Throwable failure, Instant start, byte[] input) {
    if (failure instanceof RedisUnavailableException) {
      return notRun(Outcome.UNAVAILABLE, failure.getMessage(), start, input);
    }
    if (failure instanceof LimitExceededException overloaded
        && overloaded.code() == ErrorCode.MODULE_BUILD_OVERLOADED) {
      return notRun(Outcome.REJECTED_OVERLOAD, overloaded.getMessage(), start, input);
    }
    return Future.failedFuture(failure);
  }

  private Future<InvocationResult> notRun(
      Outcome outcome, String message, Instant start, byte[] input) {
    return Future.succeededFuture(invoker.notRun(outcome, message, start, input.length));
  }

  /** Stops the guest threads (running guests are interrupted) and releases the HTTP client. */
  @Override
  public void close() {
    resources.run();
  }

  /**
   * Records {@code result} once it is known. Its meters name the tool only when {@code registered}:
   * a caller may name any version of a tool its token grants by name, or send bad input for any,
   * and meters per name it made up would grow the registry and every scrape without bound.
   */
  private Future<InvocationResult> recorded(
      ToolRef ref, boolean registered, InvocationContext context, Future<InvocationResult> result) {
    return result.onSuccess(done -> record(ref, registered, context, done));
  }

  private void record(
      ToolRef ref, boolean registered, InvocationContext context, InvocationResult result) {
    metrics.invocation(registered ? Optional.of(ref) : Optional.empty(), result);
    ExecutionReport report = result.report();
    LOG.atInfo()
        .addKeyValue("tool", ref.toString())
        .addKeyValue("tenant", context.tenant())
        .addKeyValue("agent", context.agent())
        .addKeyValue("invocation", context.invocationId())
        .addKeyValue("outcome", result.outcome().name())
        .addKeyValue("durationMs", report.duration().toMillis())
        .addKeyValue("cpuMs", report.cpuTime().toMillis())
        .addKeyValue("peakPages", report.peakMemoryPages())
        .addKeyValue("hostCalls", report.hostCalls())
        .addKeyValue("bytesIn", report.bytesIn())
        .addKeyValue("bytesOut", report.bytesOut())
        .log("invocation finished: {}", result.message());
  }

  private static <T> Future<T> onCaller(Future<T> future) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return future;
    }
    Promise<T> promise = Promise.promise();
    future.onComplete(outcome -> caller.runOnContext(ignored -> promise.handle(outcome)));
    return promise.future();
  }

  /** Assembles a chassis; {@link #build()} checks that every required part is set. */
  public static final class Builder {
    private OperatorSettings config;
    private Vertx vertx;
    private RedisStore redis;
    private MeterRegistry meters;
    private Clock clock = Clock.systemUTC();
    private HostResolver resolver = HostResolver.system();
    private Optional<MasterKeys> masterKeys = Optional.empty();
    private Optional<BudgetPort> budget = Optional.empty();
    private Optional<RedisStore> kvRedis = Optional.empty();

    private Builder() {}

    /**
     * The key ring that seals the credential vault. Without it there is no vault ({@link
     * Chassis#credentials()} fails) and no credential can be injected.
     */
    public Builder masterKeys(MasterKeys keys) {
      this.masterKeys = Optional.of(keys);
      return this;
    }

    /** Where LLM call costs are reserved; required when model providers are configured. */
    public Builder budget(BudgetPort budget) {
      this.budget = Optional.of(budget);
      return this;
    }

    public Builder config(OperatorSettings config) {
      this.config = config;
      return this;
    }

    public Builder vertx(Vertx vertx) {
      this.vertx = vertx;
      return this;
    }

    /** The shared Redis client: registry and key-value state live there. */
    public Builder redis(RedisStore redis) {
      this.redis = redis;
      return this;
    }

    /**
     * A Redis of its own for tools' key-value data, so what tools store never shares a server with
     * budgets, claims and the registry; without it key-value data lives in {@link
     * #redis(RedisStore)}, within the operator's headroom.
     */
    public Builder kvRedis(RedisStore kvRedis) {
      this.kvRedis = Optional.of(kvRedis);
      return this;
    }

    public Builder meters(MeterRegistry meters) {
      this.meters = meters;
      return this;
    }

    /** Reads deadlines, registration times and the tool cache TTL. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Resolves host names for outbound HTTP; every answer is checked before use. */
    public Builder resolver(HostResolver resolver) {
      this.resolver = resolver;
      return this;
    }

    public Chassis build() {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(vertx, "vertx");
      Objects.requireNonNull(redis, "redis");
      Objects.requireNonNull(meters, "meters");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(resolver, "resolver");
      OperatorSettings.SandboxSettings sandbox = config.sandbox();
      ModuleBuilds builds = new ModuleBuilds(vertx, config.moduleCaps());
      ResolverPool resolvers = new ResolverPool(resolver, ResolverPool.DEFAULT_BOUND);
      ThreadPoolExecutor guests =
          GuestThreads.create(
              sandbox.guestThreads(), sandbox.guestStackBytes(), sandbox.guestSpin());
      Watchdog watchdog = new Watchdog(clock, sandbox.watchdogInterval());
      HttpEgress egress =
          new HttpEgress(vertx, new EgressPolicy(config.egress(), resolvers), config.egress());
      CompiledModules compiled =
          new CompiledModules(
              config.moduleCaps().compiledCacheSize(), config.moduleCaps().compiledCacheBytes());
      Invoker invoker =
          new Invoker(
              new Admission(
                  sandbox.guestThreads(),
                  sandbox.queueCapacity(),
                  sandbox.memoryBudgetBytes(),
                  sandbox.tenantSharePercent()),
              guests,
              sandbox.tenantSharePercent(),
              watchdog,
              clock);
      ChassisMetrics metrics =
          new ChassisMetrics(
              meters,
              invoker::admitted,
              invoker::queued,
              invoker::reservedMemory,
              compiled::size,
              compiled::bytes);
      checkLlm();
      Optional<CredentialStore> credentialStore =
          masterKeys.map(keys -> new CredentialStore(redis, keys));
      GrantLedger ledger = new GrantLedger(redis, clock, grantSkew());
      GrantVerifier grants =
          new GrantVerifier(
              config.grantVerification().map(s -> JwtAuthenticator.create(vertx, s, clock)),
              ledger);
      LlmGateway llm =
          new LlmGateway(
              Providers.routes(vertx, config.llmProviders(), clock, meters, "chassis.llm.breaker"),
              budget,
              ledger,
              credentialStore,
              RetryUntil.settling(vertx, clock));
      RedisStore kvStore = kvRedis.orElse(redis);
      KvStore kv =
          new KvStore(
              kvStore,
              config.kvTenantMaxBytes(),
              config.kvMaxValueBytes(),
              config.kvHeadroomPercent());
      HostLinker linker =
          new HostLinker(
              kv,
              config.kvTraffic(),
              egress,
              new OriginServers(resolvers, config.egress().resolveTimeout(), clock),
              credentialStore,
              llm,
              (invocation, capability, policy) ->
                  metrics.denied(invocation.tool().toString(), capability, policy));
      ToolCatalog catalog =
          new ToolCatalog(
              vertx,
              new ModuleRegistry(redis),
              new ContractVerifier(config.trustedPublishers()),
              new ContractCaps(config, config.egress()),
              new ModuleValidator(config.moduleCaps()),
              builds,
              compiled,
              linker,
              clock,
              sandbox.toolCacheTtl());
      Optional<CredentialVault> vault =
          credentialStore.map(
              store -> new RedisCredentialVault(store, masterKeys.get(), clock, config.egress()));
      Runnable resources =
          () -> {
            llm.close();
            egress.close();
            watchdog.close();
            guests.shutdownNow();
            builds.close();
            resolvers.close();
          };
      OperatorSettings.GuestLogSettings logs = config.guestLogs();
      GuestLogs guestLogs =
          new GuestLogs(
              logs.maxEntries(), logs.relayLinesPerSecond(), logs.relayBurst(), clock, meters);
      return new Chassis(
          clock,
          catalog,
          invoker,
          grants,
          guestLogs,
          vault,
          metrics,
          new EarlierKvLayout(kvStore, kv),
          resources);
    }

    private Duration grantSkew() {
      return config.grantVerification().map(JwtSettings::clockSkew).orElse(Duration.ZERO);
    }

    /** Providers need somewhere to reserve their cost, and the vault for their keys. */
    private void checkLlm() {
      if (!config.llmProviders().isEmpty() && budget.isEmpty()) {
        throw new IllegalStateException(
            "llm providers are configured but no budget port is: set Chassis.Builder.budget");
      }
      config.llmProviders().stream()
          .filter(p -> p.credential().isPresent() && masterKeys.isEmpty())
          .findFirst()
          .ifPresent(
              p -> {
                throw new IllegalStateException(
                    "llm provider "
                        + p.name()
                        + " reads its key from the vault: set Chassis.Builder.masterKeys");
              });
    }
  }
}
