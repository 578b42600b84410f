package com.infrafabric.chassis.internal.capability;

import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import com.infrafabric.chassis.OperatorSettings.KvTraffic;
import com.infrafabric.chassis.internal.egress.HttpEgress;
import com.infrafabric.chassis.internal.egress.OriginServers;
import com.infrafabric.chassis.internal.llm.LlmGateway;
import com.infrafabric.chassis.internal.module.ValidatedModule;
import com.infrafabric.chassis.internal.sandbox.HostFootprint;
import com.infrafabric.chassis.internal.sandbox.Invocation;
import com.infrafabric.chassis.internal.sandbox.LinkedImports;
import com.infrafabric.hostapi.abi.Abi;
import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.hostapi.abi.HostFunction;
import com.infrafabric.hostapi.abi.LogLevel;
import com.infrafabric.hostapi.abi.ValueType;
import com.infrafabric.hostapi.contract.CapabilityKind;
import com.infrafabric.llm.BoundedExchange;
import com.infrafabric.llm.vault.CredentialStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Builds the imports of one instance: exactly the functions the module imports (validation has
 * already refused anything the contract does not grant), bound to that invocation's state, each
 * counting as a host call. Nothing is shared between instances but the stateless services.
 *
 * <p>Under a grant, a function whose capability the grant does not name ({@code kv}, {@code http},
 * {@code llm}) answers {@link AbiError#DENIED} instead: the effective capabilities are the
 * contract's intersected with the grant's. A tool whose contract asks for {@code llm} or for
 * credentials is never started without a grant.
 */
public final class HostLinker {

  private final KvStore kv;
  private final KvTraffic kvTraffic;
  private final HttpEgress http;
  private final OriginServers servers;
  private final Optional<CredentialStore> credentials;
  private final LlmGateway llm;
  private final Denials denials;

  /** Told of every refused use of a capability, for the denied-capability metric. */
  public interface Denials {
    void denied(Invocation invocation, String capability, String policy);
  }

  /**
   * @param kvTraffic what one invocation's kv calls may ask of the store
   * @param servers which servers the vault's origins are served from, as this node knows them
   */
  public HostLinker(
      KvStore kv,
      KvTraffic kvTraffic,
      HttpEgress http,
      OriginServers servers,
      Optional<CredentialStore> credentials,
      LlmGateway llm,
      Denials denials) {
    this.kv = kv;
    this.kvTraffic = kvTraffic;
    this.http = http;
    this.servers = servers;
    this.credentials = credentials;
    this.llm = llm;
    this.denials = denials;
  }

  /**
   * A linker for every invocation of {@code module} under {@code grants}. What depends only on the
   * module (which functions it imports and their Chicory types) is worked out here, once; each
   * invocation then only binds the functions to its own state.
   */
  public Function<Invocation, LinkedImports> linkerFor(ValidatedModule module, ToolGrants grants) {
    List<TypedImport> imports = module.hostImports().stream().map(TypedImport::of).toList();
    return invocation -> link(module, imports, grants, invocation);
  }

  /**
   * The most bytes one host call of a tool under {@code grants} can take in or hand back, which its
   * {@link HostFootprint} reserves for: the HTTP response cap or the longest request read, a kv
   * value or a page of keys (each key escaped at worst), an LLM request or answer. Input, output
   * and log functions exchange no more than the contract's own output and log bytes.
   */
  public long largestExchange(ToolGrants grants) {
    long largest = 0;
    if (grants.http().isPresent()) {
      largest = Math.max(largest, grants.http().get().maxResponseBytes());
      largest = Math.max(largest, HttpJson.maxRequestBytes(http.maxRequestBodyBytes()));
    }
    if (grants.kv().isPresent()) {
      long keyPage =
          (long) Math.min(grants.kv().get().maxKeys(), KvStore.LIST_MAX_KEYS)
              * (2 * KvFunctions.MAX_KEY_BYTES + 3);
      largest = Math.max(largest, Math.max(kv.maxValueBytes(), keyPage));
    }
    if (grants.llm().isPresent()) {
      largest =
          Math.max(
              largest,
              Math.max(LlmFunctions.MAX_REQUEST_BYTES, BoundedExchange.MAX_RESPONSE_BYTES));
    }
    return largest;
  }

  /** One imported ABI function with its Chicory type, shared by every instance of a module. */
  private record TypedImport(HostFunction function, FunctionType type) {
    static TypedImport of(HostFunction function) {
      return new TypedImport(function, HostLinker.type(function));
    }
  }

  private LinkedImports link(
      ValidatedModule module, List<TypedImport> imports, ToolGrants grants, Invocation invocation) {
    ImportValues.Builder values = ImportValues.builder();
    Handles handles = new Handles(grants, invocation);
    for (TypedImport typed : imports) {
      HostFunction function = typed.function();
      WasmFunctionHandle handle =
          permitted(function.capability(), invocation)
              ? handles.of(function)
              : refused(function, invocation);
      values.addFunction(
          new com.dylibso.chicory.runtime.HostFunction(
              Abi.IMPORT_MODULE,
              function.importName(),
              typed.type(),
              (instance, args) -> {
                invocation.hostCall();
                return handle.apply(instance, args);
              }));
    }
    if (module.wasiImports().isEmpty()) {
      return new LinkedImports(values.build(), () -> {});
    }
    WasiPreview1 wasi = WasiLink.create(invocation);
    WasiLink.functions(wasi, module.wasiImports(), invocation).forEach(values::addFunction);
    return new LinkedImports(values.build(), wasi::close);
  }

  /**
   * The host functions of one invocation; the http ones share its request budget, the kv ones its
   * traffic bound.
   */
  private final class Handles {
    private final ToolGrants grants;
    private final Invocation invocation;
    private HttpFunctions httpFunctions;
    private KvFunctions kvFunctions;

    Handles(ToolGrants grants, Invocation invocation) {
      this.grants = grants;
      this.invocation = invocation;
    }

    WasmFunctionHandle of(HostFunction function) {
      return switch (function.capability()) {
        case IO -> IoFunctions.handle(function, invocation);
        case LOG -> LogFunctions.log(invocation);
        case KV -> kv().handle(function);
        case HTTP ->
            function == HostFunction.HTTP_REQUEST ? http().plain() : http().withCredential();
        case LLM ->
            new LlmFunctions(
                    invocation,
                    llm,
                    grants.llm().orElseThrow(),
                    policy -> denials.denied(invocation, "llm", policy))
                .complete();
        case WASI ->
            throw new IllegalStateException(function + " is not an infrafabric host function");
      };
    }

    private KvFunctions kv() {
      if (kvFunctions == null) {
        kvFunctions =
            new KvFunctions(
                invocation, kv, grants.kv().orElseThrow(), grants.publisher(), kvTraffic);
      }
      return kvFunctions;
    }

    private HttpFunctions http() {
      if (httpFunctions == null) {
        httpFunctions =
            new HttpFunctions(
                invocation,
                http,
                grants.http().orElseThrow(),
                grants.allowList(),
                policy -> denials.denied(invocation, "http", policy),
                credentials,
                servers);
      }
      return httpFunctions;
    }
  }

  /**
   * Whether the invocation's grant (or its absence) lets it use {@code kind}. {@code llm} is
   * checked by its function, which answers every refusal with JSON; a tool using it never runs
   * without a grant.
   */
  private static boolean permitted(CapabilityKind kind, Invocation invocation) {
    return switch (kind) {
      case IO, LOG, WASI, LLM -> true;
      case KV, HTTP -> invocation.grant().map(g -> g.allows(kind)).orElse(true);
    };
  }

  private WasmFunctionHandle refused(HostFunction function, Invocation invocation) {
    String kind = function.capability().jsonName();
    byte[] message =
        (function.importName() + " denied: the invocation's grant does not name " + kind)
            .getBytes(StandardCharsets.UTF_8);
    return (instance, args) -> {
      denials.denied(invocation, kind, "grant");
      invocation.log(LogLevel.WARN, message);
      return Returns.error(AbiError.DENIED);
    };
  }

  private static FunctionType type(HostFunction function) {
    return FunctionType.of(
        valTypes(function.signature().params()), valTypes(function.signature().results()));
  }

  private static List<ValType> valTypes(List<ValueType> types) {
    return types.stream().map(t -> t == ValueType.I32 ? ValType.I32 : ValType.I64).toList();
  }
}
