package com.infrafabric.chassis;

/**
 * How an invocation ended. The REST layer's {@code http.ChassisStatus} maps each to its HTTP
 * status. Limit outcomes mean the guest was stopped by the host; the host itself is unaffected.
 */
public enum Outcome {
  /** The tool returned 0 and wrote valid JSON. */
  SUCCESS,
  /** The tool returned a non-zero status (or WASI exit code); its output explains, if any. */
  TOOL_ERROR,
  /**
   * The input is not a single valid JSON value, nests deeper than 128 levels, or does not match the
   * contract's input schema; nothing ran.
   */
  INVALID_INPUT,
  /**
   * The tool succeeded but its output is not a single valid JSON value, nests too deep, or does not
   * match the contract's output schema.
   */
  INVALID_OUTPUT,
  /** No tool is registered under the reference. */
  TOOL_NOT_FOUND,
  /**
   * The admission queue or the global memory budget is full, or compiling the tool on its first use
   * here found the build pool full; retry later.
   */
  REJECTED_OVERLOAD,
  /**
   * The tool's contract asks for {@code llm} or credentials, and the invocation carries no grant;
   * nothing ran.
   */
  GRANT_REQUIRED,
  /**
   * The grant token is forged, expired, for another audience, tenant, agent or module, or its uses
   * are spent; nothing ran and no use was counted.
   */
  GRANT_REFUSED,
  /** The registry or the grant record could not be read (Redis unavailable); nothing ran. */
  UNAVAILABLE,
  /**
   * The guest trapped: unreachable, out-of-bounds access, call stack exhausted, bad ABI use, or an
   * operation the runtime failed on its behalf (an overflow inside it, an allocation the heap
   * cannot make).
   */
  TRAP,
  /** The wall-clock deadline passed. */
  TIMEOUT,
  /** The guest thread used more CPU time than allowed. */
  CPU_LIMIT,
  /** The guest failed at its memory limit (growth refused, then a trap). */
  MEMORY_LIMIT,
  /** The guest wrote more output than allowed. */
  OUTPUT_LIMIT,
  /** The guest logged more bytes (32 per entry beyond its message) or more entries than allowed. */
  LOG_LIMIT,
  /** The guest called the host more often than allowed. */
  HOST_CALL_LIMIT,
  /**
   * The caller cancelled the invocation, or went away (its HTTP connection closed): one still
   * queued never ran, a running guest was stopped, and its admitted place was freed at once. An LLM
   * call in flight was cancelled and settled as any other: released if never sent, else charged.
   */
  CANCELLED;
}
