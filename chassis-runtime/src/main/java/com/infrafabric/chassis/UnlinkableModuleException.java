package com.infrafabric.chassis;

/**
 * The module cannot be linked and instantiated: it imports a function its contract does not grant,
 * one the ABI does not define or reserves, or one with a signature other than the ABI's ({@code
 * UNLINKABLE_IMPORT}); or an active segment lies outside its initial memory or table, so no
 * instance of it could ever start ({@code MODULE_NOT_INSTANTIABLE}).
 */
public final class UnlinkableModuleException extends ChassisException {

  private static final long serialVersionUID = 1L;

  public UnlinkableModuleException(ErrorCode code, String message) {
    super(code, message);
  }
}
