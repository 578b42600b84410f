package com.infrafabric.chassis;

/**
 * The signed contract cannot be accepted: unsigned or badly signed, signed by an unknown key,
 * malformed, or bound to a different module digest.
 */
public final class InvalidContractException extends ChassisException {

  private static final long serialVersionUID = 1L;

  public InvalidContractException(ErrorCode code, String message) {
    super(code, message);
  }
}
