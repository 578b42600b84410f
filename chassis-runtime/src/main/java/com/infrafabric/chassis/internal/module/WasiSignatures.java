package com.infrafabric.chassis.internal.module;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.types.FunctionType;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The type of every WASI preview 1 function Chicory implements, by name. */
final class WasiSignatures {

  private static final Map<String, FunctionType> TYPES = load();

  private WasiSignatures() {}

  static Optional<FunctionType> of(String name) {
    return Optional.ofNullable(TYPES.get(name));
  }

  private static Map<String, FunctionType> load() {
    try (WasiPreview1 wasi = WasiPreview1.builder().build()) {
      return Arrays.stream(wasi.toHostFunctions())
          .collect(Collectors.toUnmodifiableMap(HostFunction::name, HostFunction::functionType));
    }
  }
}
