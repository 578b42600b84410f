package com.infrafabric.chassis;

/**
 * The tool version is already registered with different content (versions are immutable), or the
 * tool's name belongs to another publisher.
 */
public final class ToolConflictException extends ChassisException {

  private static final long serialVersionUID = 1L;

  public ToolConflictException(ErrorCode code, String message) {
    super(code, message);
  }
}
