package com.infrafabric.chassis;

/**
 * The module imports a function its contract does not grant, one the ABI does not define or
 * reserves, or one with a signature other than the ABI's.
 */
public final class UnlinkableModuleException extends ChassisException {

  private static final long serialVersionUID = 1L;

  public UnlinkableModuleException(ErrorCode code, String message) {
    super(code, message);
  }
}
