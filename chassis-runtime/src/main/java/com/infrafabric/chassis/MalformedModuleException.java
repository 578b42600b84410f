package com.infrafabric.chassis;

/**
 * The module bytes cannot be accepted: they do not parse, do not validate, use a disabled
 * WebAssembly feature, or lack the exports a tool needs.
 */
public final class MalformedModuleException extends ChassisException {

  private static final long serialVersionUID = 1L;

  public MalformedModuleException(ErrorCode code, String message) {
    super(code, message);
  }
}
