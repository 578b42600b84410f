package com.infrafabric.chassis.internal.capability;

import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import com.infrafabric.chassis.internal.egress.HttpEgress;
import com.infrafabric.chassis.internal.module.ValidatedModule;
import com.infrafabric.chassis.internal.sandbox.Invocation;
import com.infrafabric.chassis.internal.sandbox.LinkedImports;
import com.infrafabric.hostapi.abi.Abi;
import com.infrafabric.hostapi.abi.HostFunction;
import com.infrafabric.hostapi.abi.ValueType;
import java.util.List;
import java.util.function.Function;

/**
 * Builds the imports of one instance: exactly the functions the module imports (validation has
 * already refused anything the contract does not grant), bound to that invocation's state, each
 * counting as a host call. Nothing is shared between instances but the stateless services.
 */
public final class HostLinker {

  private final KvStore kv;
  private final HttpEgress http;
  private final java.util.function.BiConsumer<Invocation, String> denials;

  /**
   * @param denials told of every egress refusal (invocation, policy), for the denied-capability
   *     metric
   */
  public HostLinker(
      KvStore kv, HttpEgress http, java.util.function.BiConsumer<Invocation, String> denials) {
    this.kv = kv;
    this.http = http;
    this.denials = denials;
  }

  /** A linker for every invocation of {@code module} under {@code grants}. */
  public Function<Invocation, LinkedImports> linkerFor(ValidatedModule module, ToolGrants grants) {
    return invocation -> link(module, grants, invocation);
  }

  private LinkedImports link(ValidatedModule module, ToolGrants grants, Invocation invocation) {
    ImportValues.Builder values = ImportValues.builder();
    for (HostFunction function : module.hostImports()) {
      WasmFunctionHandle handle = handle(function, grants, invocation);
      values.addFunction(
          new com.dylibso.chicory.runtime.HostFunction(
              Abi.IMPORT_MODULE,
              function.importName(),
              type(function),
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

  private WasmFunctionHandle handle(
      HostFunction function, ToolGrants grants, Invocation invocation) {
    return switch (function.capability()) {
      case IO -> IoFunctions.handle(function, invocation);
      case LOG -> LogFunctions.log(invocation);
      case KV -> KvFunctions.handle(function, invocation, kv, grants.kv().orElseThrow());
      case HTTP ->
          HttpFunctions.request(
              invocation,
              http,
              grants.http().orElseThrow(),
              grants.allowList(),
              policy -> denials.accept(invocation, policy));
      case WASI, LLM ->
          throw new IllegalStateException(function + " is not an infrafabric host function");
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
