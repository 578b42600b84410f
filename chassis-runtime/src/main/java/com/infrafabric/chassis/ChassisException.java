package com.infrafabric.chassis;

import java.util.Objects;

/**
 * Root of the chassis failures: a request that cannot be carried out as asked. Each subclass is one
 * phase (module, contract, linking, limits, registry, credentials) and carries a stable {@link
 * ErrorCode} and an exact sentence for the caller. What a guest does while running is never an
 * exception: it is an {@link Outcome} in the {@link InvocationResult}.
 */
public abstract sealed class ChassisException extends RuntimeException
    permits MalformedModuleException,
        InvalidContractException,
        UnlinkableModuleException,
        LimitExceededException,
        ToolConflictException,
        InvalidCredentialException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  ChassisException(ErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code);
  }

  public ErrorCode code() {
    return code;
  }
}
