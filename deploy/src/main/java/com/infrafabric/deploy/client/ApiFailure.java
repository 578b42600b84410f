package com.infrafabric.deploy.client;

/**
 * A service answered a client command with an error: its status, stable code and sentence, which
 * the launcher prints as the command's one line (exit status 1).
 */
public final class ApiFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  ApiFailure(String method, String path, int status, String code, String message) {
    super(method + " " + path + " answered " + status + " " + code + ": " + message);
  }
}
