package com.infrafabric.hostapi.abi;

/**
 * Names every tool module and the host agree on.
 *
 * <p>Input and output move by copy, driven by the guest: the guest asks for the input size, copies
 * the input into a buffer it owns ({@code input_read}), and appends output bytes ({@code
 * output_write}). The host never calls into the guest to allocate, so a tool needs no allocator
 * export and the host never trusts a pointer the guest returns; every pointer/length pair the guest
 * passes is checked to lie entirely inside linear memory before a byte moves.
 *
 * <p>Host functions that produce variable-length data ({@code kv_get}, {@code kv_list}, {@code
 * http_request}, {@code llm_complete}) keep it in a per-invocation result slot and return its
 * length; {@code result_read} copies it out. One slot, replaced by the next producing call, keeps
 * host state per invocation constant.
 */
public final class Abi {

  /** The one import module name of the host functions. */
  public static final String IMPORT_MODULE = "infrafabric";

  /** Version of this ABI; additions keep it, incompatible changes would bump it. */
  public static final int VERSION = 1;

  /** Entry point of a tool using this ABI: {@code () -> i32}, 0 for success. */
  public static final String ENTRY_POINT = "run";

  /** Linear memory a tool must export for the host to copy bytes in and out. */
  public static final String MEMORY_EXPORT = "memory";

  /** Import module of WASI preview 1, accepted for command modules (stdin JSON, stdout JSON). */
  public static final String WASI_MODULE = "wasi_snapshot_preview1";

  /** Entry point of a WASI command module. */
  public static final String WASI_ENTRY_POINT = "_start";

  private Abi() {}
}
