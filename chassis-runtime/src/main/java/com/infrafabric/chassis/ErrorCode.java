package com.infrafabric.chassis;

/**
 * Stable machine codes of the failures the chassis API reports as exceptions; the REST layer's
 * {@code http.ChassisStatus} maps each to its HTTP status. Codes never change meaning; new failures
 * get new codes.
 */
public enum ErrorCode {
  /** The module bytes are not a valid module, or use a disabled feature. */
  MALFORMED_MODULE,
  /**
   * The module exceeds a size or shape cap (bytes, functions, body size, locals, types, imports,
   * exports, globals, tables, segments, elements, custom sections, declared limits) or the memory
   * its build would need.
   */
  MODULE_TOO_LARGE,
  /**
   * Building the module took longer than the operator allows, or the compiler cannot turn it into
   * JVM byte code (a function too large for one method, a function type wider than a method's
   * slots, or any other failure of the compiler for this module).
   */
  MODULE_NOT_COMPILABLE,
  /** As many modules as the operator allows are being built at once; retry shortly. */
  MODULE_BUILD_OVERLOADED,
  /** The contract is unsigned, badly signed, malformed, or does not match the module. */
  INVALID_CONTRACT,
  /** The contract is signed by a key the operator does not trust. */
  UNTRUSTED_PUBLISHER,
  /** The contract asks for more than the operator's caps allow. */
  LIMIT_ABOVE_CAP,
  /** The module imports something its contract does not grant, or with the wrong signature. */
  UNLINKABLE_IMPORT,
  /**
   * The module could never start: an active data segment lies past its initial memory, or an active
   * element segment past its table's initial size, at an offset the module fixes itself.
   */
  MODULE_NOT_INSTANTIABLE,
  /** This tool version is already registered with a different module or contract. */
  TOOL_VERSION_CONFLICT,
  /**
   * The tool's name belongs to another publisher: the contract is signed by a trusted key, but of a
   * publisher other than the one that registered the name first, so it may neither add a version
   * nor sign an existing one again.
   */
  TOOL_OWNED_BY_ANOTHER_PUBLISHER,
  /** A credential to store has a malformed name, secret, origin, header or scheme. */
  INVALID_CREDENTIAL;
}
