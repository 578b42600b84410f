package com.infrafabric.chassis.internal.registry;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.InvalidContractException;
import com.infrafabric.chassis.ToolInfo;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.internal.capability.HostLinker;
import com.infrafabric.chassis.internal.capability.ToolGrants;
import com.infrafabric.chassis.internal.contract.ContractCaps;
import com.infrafabric.chassis.internal.contract.ContractTerms;
import com.infrafabric.chassis.internal.contract.ContractVerifier;
import com.infrafabric.chassis.internal.contract.ToolSchemas;
import com.infrafabric.chassis.internal.contract.VerifiedContract;
import com.infrafabric.chassis.internal.module.BuildOwner;
import com.infrafabric.chassis.internal.module.CompiledModule;
import com.infrafabric.chassis.internal.module.CompiledModules;
import com.infrafabric.chassis.internal.module.ModuleBuilds;
import com.infrafabric.chassis.internal.module.ModuleCompiler;
import com.infrafabric.chassis.internal.module.ModuleRegistry;
import com.infrafabric.chassis.internal.module.ModuleValidator;
import com.infrafabric.chassis.internal.module.StoredTool;
import com.infrafabric.chassis.internal.module.ValidatedModule;
import com.infrafabric.chassis.internal.sandbox.HostFootprint;
import com.infrafabric.chassis.internal.sandbox.Invoker;
import com.infrafabric.hostapi.contract.HttpCapability;
import com.infrafabric.hostapi.contract.KvCapability;
import com.infrafabric.hostapi.contract.LlmCapability;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.hostapi.contract.ServiceContract;
import com.infrafabric.llm.destination.DestinationPattern;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Registers, lists, gets, deletes and resolves tools. Registration checks, in order: the module's
 * shape (size and every declared count), contract signature and digest, the operator's caps, the
 * module against its contract, and compilation; only then is anything stored. Everything but the
 * Redis calls runs as one build in {@link ModuleBuilds} (bounded threads and queue, a deadline, a
 * memory budget), never on an event loop, as the publications' build; so does compiling a stored
 * module on its first use on this node, as the invoking tenant's build ({@link BuildOwner}).
 * Resolved tools are reused for the tool cache TTL.
 */
public final class ToolCatalog {

  private final Vertx vertx;
  private final ModuleRegistry registry;
  private final ContractVerifier verifier;
  private final ContractCaps caps;
  private final ModuleValidator validator;
  private final ModuleBuilds builds;
  private final CompiledModules compiled;
  private final HostLinker linker;
  private final Clock clock;
  private final Duration ttl;
  private final ConcurrentMap<ToolRef, Cached> cache = new ConcurrentHashMap<>();
  private final ConcurrentMap<ToolRef, Verified> contracts = new ConcurrentHashMap<>();

  private record Cached(ResolvedTool tool, Instant loadedAt) {}

  /**
   * A stored contract whose signature was checked once. The check depends only on the JWS, the
   * module digest and the trusted keys (fixed for this node's life), so listing and getting reuse
   * it instead of re-verifying ES256 for every tool on every call. One entry per tool version.
   */
  private record Verified(String contractJws, ModuleDigest digest, VerifiedContract contract) {

    boolean covers(StoredTool stored) {
      return contractJws.equals(stored.contractJws()) && digest.equals(stored.digest());
    }
  }

  public ToolCatalog(
      Vertx vertx,
      ModuleRegistry registry,
      ContractVerifier verifier,
      ContractCaps caps,
      ModuleValidator validator,
      ModuleBuilds builds,
      CompiledModules compiled,
      HostLinker linker,
      Clock clock,
      Duration ttl) {
    this.vertx = vertx;
    this.registry = registry;
    this.verifier = verifier;
    this.caps = caps;
    this.validator = validator;
    this.builds = builds;
    this.compiled = compiled;
    // A resolved tool holds its compiled module: one kept past the module's eviction would keep
    // the module's heap too, whatever the compiled cache's bound.
    compiled.whenEvicted(
        digest -> cache.values().removeIf(entry -> entry.tool().info().digest().equals(digest)));
    this.linker = linker;
    this.clock = clock;
    this.ttl = ttl;
  }

  public Future<ToolInfo> register(byte[] module, String contractJws) {
    byte[] bytes = module.clone();
    return builds
        .submit(BuildOwner.PUBLISHERS, bytes, () -> prepare(bytes, contractJws))
        .compose(
            tool ->
                registry
                    .store(
                        tool.info().ref(),
                        tool.info().digest(),
                        bytes,
                        contractJws,
                        ContractTerms.of(contractJws),
                        tool.info().publisher(),
                        tool.info().publisherKeyId(),
                        clock.instant())
                    .map(stored -> remember(withRegisteredAt(tool, stored.registeredAt())).info()));
  }

  public Future<Optional<ToolInfo>> get(ToolRef ref) {
    return registry.tool(ref).map(stored -> stored.map(this::describe));
  }

  /**
   * The registered versions among {@code refs}, in that order; those since deleted are left out.
   */
  public Future<List<ToolInfo>> describe(List<ToolRef> refs) {
    return Future.all(refs.stream().map(registry::tool).toList())
        .map(
            all ->
                all.<Optional<StoredTool>>list().stream()
                    .flatMap(Optional::stream)
                    .map(this::describe)
                    .toList());
  }

  /** Every registered version, sorted by name and version, without reading their contracts. */
  public Future<List<ToolRef>> refs() {
    return registry.refs();
  }

  public Future<Boolean> delete(ToolRef ref) {
    return registry
        .delete(ref)
        .onSuccess(
            deleted -> {
              cache.remove(ref);
              contracts.remove(ref);
            });
  }

  /**
   * The tool ready to run, from this node's cache while fresh, else from Redis; a module compiled
   * for it on this node is built as {@code tenant}'s ({@link BuildOwner#tenant}), the tenant whose
   * invocation needs it.
   */
  public Future<Optional<ResolvedTool>> resolve(ToolRef ref, String tenant) {
    Cached cached = cache.get(ref);
    Instant now = clock.instant();
    if (cached != null && now.isBefore(cached.loadedAt().plus(ttl))) {
      return Future.succeededFuture(Optional.of(cached.tool()));
    }
    return registry
        .tool(ref)
        .compose(
            stored -> {
              if (stored.isEmpty()) {
                cache.remove(ref);
                return Future.succeededFuture(Optional.empty());
              }
              if (cached != null
                  && cached.tool().contractJws().equals(stored.get().contractJws())) {
                cache.put(ref, new Cached(cached.tool(), now));
                return Future.succeededFuture(Optional.of(cached.tool()));
              }
              return load(stored.get(), tenant).map(Optional::of);
            });
  }

  private Future<ResolvedTool> load(StoredTool stored, String tenant) {
    Optional<CompiledModule> known = compiled.get(stored.digest());
    if (known.isPresent()) {
      return vertx.executeBlocking(() -> remember(resolve(stored, known.get())), false);
    }
    return registry
        .module(stored.digest())
        .compose(
            found -> {
              byte[] bytes = found.orElseThrow(() -> missing(stored));
              return builds.submit(
                  BuildOwner.tenant(tenant), bytes, () -> remember(loadFromBytes(stored, bytes)));
            });
  }

  private ResolvedTool loadFromBytes(StoredTool stored, byte[] bytes) {
    if (!ModuleDigest.of(bytes).equals(stored.digest())) {
      throw missing(stored);
    }
    VerifiedContract verified = verified(stored);
    ValidatedModule validated = validator.validate(bytes, verified.contract());
    return build(stored, verified, validated, compiled.add(ModuleCompiler.compile(validated)));
  }

  private ResolvedTool resolve(StoredTool stored, CompiledModule module) {
    VerifiedContract verified = verified(stored);
    return build(
        stored,
        verified,
        validator.check(module.module(), stored.digest(), verified.contract()),
        module);
  }

  private ResolvedTool build(
      StoredTool stored,
      VerifiedContract verified,
      ValidatedModule validated,
      CompiledModule module) {
    return build(
        stored.ref(),
        stored.contractJws(),
        verified,
        validated,
        module,
        stored.registeredAt(),
        stored.moduleBytes());
  }

  /** Runs on a build thread, after the scan: the bytes' shape is within the caps. */
  private ResolvedTool prepare(byte[] bytes, String contractJws) {
    ModuleDigest digest = ModuleDigest.of(bytes);
    VerifiedContract verified = verifier.verify(contractJws, digest);
    caps.check(verified.contract());
    ValidatedModule validated = validator.validate(bytes, verified.contract());
    CompiledModule module =
        compiled.get(digest).orElseGet(() -> compiled.add(ModuleCompiler.compile(validated)));
    return build(
        ref(verified.contract()),
        contractJws,
        verified,
        validated,
        module,
        clock.instant(),
        bytes.length);
  }

  private ResolvedTool build(
      ToolRef ref,
      String contractJws,
      VerifiedContract verified,
      ValidatedModule validated,
      CompiledModule module,
      Instant registeredAt,
      int size) {
    ServiceContract contract = verified.contract();
    List<DestinationPattern> allow = caps.check(contract);
    ToolGrants grants =
        new ToolGrants(
            contract.capability(KvCapability.class),
            contract.capability(HttpCapability.class),
            allow,
            contract.capability(LlmCapability.class),
            verified.publisher());
    ToolInfo info =
        new ToolInfo(
            ref,
            validated.digest(),
            size,
            contract,
            verified.publisher(),
            verified.keyId(),
            registeredAt);
    Invoker.Prepared prepared =
        new Invoker.Prepared(
            module,
            validated.entryPoint(),
            linker.linkerFor(validated, grants),
            HostFootprint.of(contract.limits(), linker.largestExchange(grants)));
    return new ResolvedTool(info, prepared, contractJws, grants, ToolSchemas.of(contract));
  }

  private ToolInfo describe(StoredTool stored) {
    VerifiedContract verified = verified(stored);
    return new ToolInfo(
        stored.ref(),
        stored.digest(),
        stored.moduleBytes(),
        verified.contract(),
        verified.publisher(),
        verified.keyId(),
        stored.registeredAt());
  }

  /** The stored tool's contract, verified on first sight and then reused while it is unchanged. */
  private VerifiedContract verified(StoredTool stored) {
    Verified known = contracts.get(stored.ref());
    if (known != null && known.covers(stored)) {
      return known.contract();
    }
    VerifiedContract contract = verifier.verify(stored.contractJws(), stored.digest());
    contracts.put(stored.ref(), new Verified(stored.contractJws(), stored.digest(), contract));
    return contract;
  }

  private ResolvedTool remember(ResolvedTool tool) {
    ToolInfo info = tool.info();
    cache.put(info.ref(), new Cached(tool, clock.instant()));
    contracts.put(
        info.ref(),
        new Verified(
            tool.contractJws(),
            info.digest(),
            new VerifiedContract(info.contract(), info.publisherKeyId(), info.publisher())));
    return tool;
  }

  private static ResolvedTool withRegisteredAt(ResolvedTool tool, Instant registeredAt) {
    ToolInfo info = tool.info();
    return new ResolvedTool(
        new ToolInfo(
            info.ref(),
            info.digest(),
            info.moduleBytes(),
            info.contract(),
            info.publisher(),
            info.publisherKeyId(),
            registeredAt),
        tool.prepared(),
        tool.contractJws(),
        tool.grants(),
        tool.schemas());
  }

  private static ToolRef ref(ServiceContract contract) {
    return new ToolRef(contract.toolName(), contract.version());
  }

  private static InvalidContractException missing(StoredTool stored) {
    return new InvalidContractException(
        ErrorCode.INVALID_CONTRACT,
        "the stored module of "
            + stored.ref()
            + " is missing or does not match "
            + stored.digest());
  }
}
