package com.infrafabric.hostapi.abi;

import com.infrafabric.hostapi.contract.CapabilityKind;
import java.util.Arrays;
import java.util.Optional;

/**
 * Every function a tool may import from {@link Abi#IMPORT_MODULE}, with its exact signature and the
 * capability the contract must grant for the import to link.
 *
 * <p>All functions return an {@code i32}: zero or a positive count on success, a negative {@link
 * AbiError} code otherwise. Passing a pointer/length pair that does not lie entirely inside linear
 * memory (including pairs whose sum wraps around 2^32) is not an error code: it traps the
 * invocation, because a tool that does it is broken and must not keep probing.
 */
public enum HostFunction {
  /** {@code () -> i32}: the input size in bytes. */
  INPUT_SIZE("input_size", 0, CapabilityKind.IO),
  /**
   * {@code (ptr, len) -> i32}: copies the whole input to {@code [ptr, ptr+len)} and returns its
   * size, or {@link AbiError#BUFFER_TOO_SMALL} without copying when {@code len} is smaller.
   */
  INPUT_READ("input_read", 2, CapabilityKind.IO),
  /**
   * {@code (ptr, len) -> i32}: appends {@code len} bytes to the output; 0. Exceeding the output
   * limit ends the invocation with outcome {@code OUTPUT_LIMIT}.
   */
  OUTPUT_WRITE("output_write", 2, CapabilityKind.IO),
  /**
   * {@code (ptr, len) -> i32}: copies the pending result of the last producing call and returns its
   * size; {@link AbiError#BUFFER_TOO_SMALL} without copying when {@code len} is smaller; {@link
   * AbiError#NO_RESULT} when there is none.
   */
  RESULT_READ("result_read", 2, CapabilityKind.IO),
  /**
   * {@code (level, ptr, len) -> i32}: logs a UTF-8 message at level 0 debug, 1 info, 2 warn, 3
   * error; 0 or {@link AbiError#INVALID_ARGUMENT}. Exceeding the log limit ends the invocation with
   * outcome {@code LOG_LIMIT}.
   */
  LOG("log", 3, CapabilityKind.LOG),
  /**
   * {@code (key_ptr, key_len) -> i32}: looks a key up in the tool's namespace for the calling
   * tenant; the value length (value in the result slot) or {@link AbiError#NOT_FOUND}.
   */
  KV_GET("kv_get", 2, CapabilityKind.KV),
  /**
   * {@code (key_ptr, key_len, value_ptr, value_len) -> i32}: stores a value; 0 or {@link
   * AbiError#QUOTA_EXCEEDED}.
   */
  KV_PUT("kv_put", 4, CapabilityKind.KV),
  /** {@code (key_ptr, key_len) -> i32}: removes a key; 0 or {@link AbiError#NOT_FOUND}. */
  KV_DELETE("kv_delete", 2, CapabilityKind.KV),
  /**
   * {@code (prefix_ptr, prefix_len) -> i32}: the keys starting with the prefix, as a sorted JSON
   * array of strings in the result slot; returns its length.
   */
  KV_LIST("kv_list", 2, CapabilityKind.KV),
  /**
   * {@code (request_ptr, request_len) -> i32}: sends the JSON request {@code
   * {"method","url","headers","body"}} to an allowed destination; the JSON response {@code
   * {"status","headers","body"}} goes to the result slot and its length is returned.
   */
  HTTP_REQUEST("http_request", 2, CapabilityKind.HTTP),
  /**
   * {@code (name_ptr, name_len, request_ptr, request_len) -> i32}: like {@link #HTTP_REQUEST}, with
   * the named credential's header added by the host. The tool never sees the secret: it is redacted
   * from the response, and redirects to another origin are not followed. Needs the credential in
   * the contract's {@code http.credentials} and in the invocation's grant ({@link
   * AbiError#CREDENTIAL_NOT_GRANTED} otherwise).
   */
  HTTP_REQUEST_WITH_CREDENTIAL("http_request_with_credential", 4, CapabilityKind.HTTP),
  /**
   * {@code (request_ptr, request_len) -> i32}: asks for a chat completion {@code
   * {"model","messages":[{"role","content"}],"max_tokens"}}. The host reserves its cost through the
   * governor, calls the provider, and commits the actual usage. The result slot always holds JSON:
   * the completion {@code {"model","content","finish_reason","usage","cost_micros",
   * "remaining_micros"}} on success, {@code {"error","message","remaining_micros"}} with a negative
   * return.
   */
  LLM_COMPLETE("llm_complete", 2, CapabilityKind.LLM);

  private final String importName;
  private final Signature signature;
  private final CapabilityKind capability;

  HostFunction(String importName, int arity, CapabilityKind capability) {
    this.importName = importName;
    this.signature = Signature.i32s(arity);
    this.capability = capability;
  }

  /** The name inside {@link Abi#IMPORT_MODULE}, e.g. {@code kv_get}. */
  public String importName() {
    return importName;
  }

  public Signature signature() {
    return signature;
  }

  /** The capability a contract must grant before a module importing this function can link. */
  public CapabilityKind capability() {
    return capability;
  }

  /** The function a module imports under {@code name}, if the ABI defines one. */
  public static Optional<HostFunction> byImportName(String name) {
    return Arrays.stream(values()).filter(f -> f.importName.equals(name)).findFirst();
  }
}
