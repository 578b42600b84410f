package com.infrafabric.chassis;

/**
 * A credential cannot be stored as given: a malformed name, secret, allowed origin, header name or
 * scheme. The message names the field and never repeats the secret.
 */
public final class InvalidCredentialException extends ChassisException {

  private static final long serialVersionUID = 1L;

  public InvalidCredentialException(String message) {
    super(ErrorCode.INVALID_CREDENTIAL, message);
  }
}
