package com.infrafabric.chassis.testing;

import com.dylibso.chicory.wabt.Wat2Wasm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The one way tests obtain guest modules: inline WAT compiled with Wat2Wasm, or fixtures from the
 * class path ({@code /guests/<name>.wat} compiled the same way, {@code /guests/<name>.wasm} as
 * committed). A missing fixture fails the test loudly instead of skipping it.
 */
public final class Guests {

  private Guests() {}

  /** Compiles WebAssembly text. */
  public static byte[] wat(String source) {
    return Wat2Wasm.parse(source);
  }

  /** Loads {@code /guests/<file>} from the class path; {@code .wat} files are compiled. */
  public static byte[] fixture(String file) {
    String path = "/guests/" + file;
    try (InputStream in = Guests.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(
            "guest fixture " + path + " is missing from the class path");
      }
      byte[] bytes = in.readAllBytes();
      return file.endsWith(".wat") ? wat(new String(bytes, StandardCharsets.UTF_8)) : bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read guest fixture " + path, e);
    }
  }

  /**
   * A tool whose {@code run} calls a function of type {@code (parameters) -> (results)} directly
   * and through its table, passing and dropping zeros: the shape that exercises how the compiler
   * maps a wide function type to JVM methods. Types are WAT names ({@code i32}, {@code i64}, ...).
   */
  public static byte[] calling(List<String> parameters, List<String> results) {
    String zeros = zeros(parameters);
    String drops = " drop".repeat(results.size());
    return wat(
        "(module (type $t (func (param "
            + String.join(" ", parameters)
            + ") (result "
            + String.join(" ", results)
            + ")))\n"
            + "(table 1 funcref) (elem (i32.const 0) $f)\n"
            + "(func $f (type $t)"
            + zeros(results)
            + ")\n"
            + "(func (export \"run\") (result i32)"
            + zeros
            + " call $f"
            + drops
            + zeros
            + " i32.const 0 call_indirect (type $t)"
            + drops
            + " i32.const 0))");
  }

  private static String zeros(List<String> types) {
    StringBuilder zeros = new StringBuilder();
    types.forEach(type -> zeros.append(' ').append(type).append(".const 0"));
    return zeros.toString();
  }

  /**
   * A tool that copies its input to its output: the health probe every escape test runs after its
   * attack.
   */
  public static final String ECHO =
      """
      (module
        (import "infrafabric" "input_size" (func $size (result i32)))
        (import "infrafabric" "input_read" (func $read (param i32 i32) (result i32)))
        (import "infrafabric" "output_write" (func $write (param i32 i32) (result i32)))
        (memory (export "memory") 1)
        (func (export "run") (result i32) (local $n i32)
          (local.set $n (call $size))
          (drop (call $read (i32.const 0) (local.get $n)))
          (drop (call $write (i32.const 0) (local.get $n)))
          (i32.const 0)))
      """;

  /** A tool that spins until a limit stops it: it holds a guest thread as long as it may. */
  public static final String SPIN =
      """
      (module
        (memory (export "memory") 1)
        (func (export "run") (result i32) (loop $l (br $l)) (i32.const 0)))
      """;
}
