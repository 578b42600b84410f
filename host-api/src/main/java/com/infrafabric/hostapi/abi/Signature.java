package com.infrafabric.hostapi.abi;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The exact WebAssembly type of a host function. An import must match it exactly: no subtyping, no
 * extra parameters.
 *
 * @param params parameter types in order
 * @param results result types in order
 */
public record Signature(List<ValueType> params, List<ValueType> results) {

  public Signature {
    params = List.copyOf(params);
    results = List.copyOf(results);
  }

  /** {@code i32} parameters ({@code arity} of them) and one {@code i32} result. */
  public static Signature i32s(int arity) {
    return new Signature(
        java.util.Collections.nCopies(arity, ValueType.I32), List.of(ValueType.I32));
  }

  /** Renders as {@code (i32, i32) -> i32}, the form used in error messages. */
  @Override
  public String toString() {
    return render(params) + " -> " + render(results);
  }

  private static String render(List<ValueType> types) {
    return types.stream().map(ValueType::wat).collect(Collectors.joining(", ", "(", ")"));
  }
}
