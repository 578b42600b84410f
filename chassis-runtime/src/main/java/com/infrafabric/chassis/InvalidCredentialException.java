package com.infrafabric.chassis;

/**
 * A credential cannot be stored as given: a malformed name, secret, allowed origin, header name or
 * scheme. The message names the field and never repeats the secret; other values it quotes are cut
 * to a {@link com.infrafabric.platform.http.Excerpt}, so it never grows with what the caller sent.
 */
public final class InvalidCredentialException extends ChassisException {

  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * @param field the invalid field as a client names it: {@code name}, {@code secret}, {@code
   *     allow[2]}, {@code header} or {@code scheme}
   */
  public InvalidCredentialException(String field, String message) {
    super(ErrorCode.INVALID_CREDENTIAL, message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
