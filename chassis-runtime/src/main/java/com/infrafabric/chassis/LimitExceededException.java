package com.infrafabric.chassis;

/**
 * Something is larger than allowed: the module (bytes, functions, body size, declared memory or
 * tables), the limits a contract asks for compared with the operator's caps, or the time to
 * compile.
 */
public final class LimitExceededException extends ChassisException {

  private static final long serialVersionUID = 1L;

  public LimitExceededException(ErrorCode code, String message) {
    super(code, message);
  }
}
