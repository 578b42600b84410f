package com.infrafabric.chassis.testing;

import java.io.ByteArrayOutputStream;

/**
 * Assembles WebAssembly binaries section by section, for modules no WAT compiler will write: ones
 * that declare absurd counts and sizes in a few bytes. Every count and size is an unsigned LEB128,
 * as in the binary format.
 *
 * <pre>{@code
 * byte[] module = WasmBinary.module()
 *     .section(1, WasmBinary.bytes().u32(1).raw(0x60, 0, 0))
 *     .build();
 * }</pre>
 */
public final class WasmBinary {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private WasmBinary() {}

  /** A module: the header, then the sections added. */
  public static WasmBinary module() {
    return new WasmBinary().raw(0, 'a', 's', 'm', 1, 0, 0, 0);
  }

  /** Bytes with no header: a section's or a body's contents. */
  public static WasmBinary bytes() {
    return new WasmBinary();
  }

  public WasmBinary raw(int... values) {
    for (int value : values) {
      out.write(value);
    }
    return this;
  }

  public WasmBinary raw(byte[] values) {
    out.writeBytes(values);
    return this;
  }

  /** An unsigned LEB128. */
  public WasmBinary u32(long value) {
    long rest = value;
    do {
      int b = (int) (rest & 0x7F);
      rest >>>= 7;
      out.write(rest != 0 ? b | 0x80 : b);
    } while (rest != 0);
    return this;
  }

  /** A name: its length, then its UTF-8 bytes. */
  public WasmBinary name(String name) {
    byte[] utf8 = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return u32(utf8.length).raw(utf8);
  }

  /** A section: its id, its size, its contents. */
  public WasmBinary section(int id, WasmBinary contents) {
    byte[] bytes = contents.build();
    return raw(id).u32(bytes.length).raw(bytes);
  }

  /** A vector: its count, then {@code item} that many times. */
  public WasmBinary vector(long count, WasmBinary item) {
    u32(count);
    byte[] bytes = item.build();
    for (long i = 0; i < count; i++) {
      raw(bytes);
    }
    return this;
  }

  public byte[] build() {
    return out.toByteArray();
  }

  /** Type section with one type {@code () -> i32}, function section with one function of it. */
  public WasmBinary oneRunFunction() {
    return section(1, bytes().u32(1).raw(0x60, 0, 1, 0x7F)).section(3, bytes().u32(1).u32(0));
  }

  /** Exports function 0 as {@code run}. */
  public WasmBinary exportRun() {
    return section(7, bytes().u32(1).name("run").raw(0).u32(0));
  }

  /**
   * The module of the review's probe: one exported {@code run} whose body is {@code block;
   * i32.const 0; br_table} with {@code targets} targets and a default, all of depth 0, {@code end;
   * i32.const 0; end}: {@code targets + 1} branches to one label in {@code targets + 64} bytes.
   */
  public static byte[] brTable(int targets) {
    WasmBinary body = bytes().u32(0).raw(0x02, 0x40, 0x41, 0, 0x0E).u32(targets);
    byte[] body0 = body.raw(new byte[targets]).raw(0, 0x0B, 0x41, 0, 0x0B).build();
    return module()
        .oneRunFunction()
        .exportRun()
        .section(10, bytes().u32(1).u32(body0.length).raw(body0))
        .build();
  }

  /** A code section of one body: {@code locals} as given, then {@code i32.const 0; end}. */
  public WasmBinary oneBody(WasmBinary locals) {
    byte[] body = bytes().raw(locals.build()).raw(0x41, 0, 0x0B).build();
    return section(10, bytes().u32(1).u32(body.length).raw(body));
  }
}
