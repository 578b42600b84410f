package com.infrafabric.chassis.http;

import com.infrafabric.chassis.ChassisException;
import com.infrafabric.chassis.InvalidCredentialException;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.llm.vault.CredentialOwner;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;
import com.infrafabric.platform.http.Excerpt;
import java.time.Duration;
import java.util.Map;

/**
 * Answers chassis failures in the platform's error shape. A registration or vault failure keeps the
 * chassis's stable {@link com.infrafabric.chassis.ErrorCode} name and HTTP status (e.g. {@code
 * UNTRUSTED_PUBLISHER}, 403) and its exact sentence; an invalid credential also names its field in
 * {@code details.field}, as the platform's own {@code INVALID_REQUEST} does. An overload (429, 503)
 * comes with {@code Retry-After}.
 */
final class ChassisErrors {

  static final ErrorCode TOOL_NOT_FOUND = new ErrorCode("TOOL_NOT_FOUND", 404);
  static final ErrorCode TOOL_NOT_GRANTED = new ErrorCode("TOOL_NOT_GRANTED", 403);
  static final ErrorCode CREDENTIAL_NOT_FOUND = new ErrorCode("CREDENTIAL_NOT_FOUND", 404);
  static final ErrorCode VAULT_NOT_CONFIGURED = new ErrorCode("VAULT_NOT_CONFIGURED", 409);

  private static final Duration RETRY_LATER = Duration.ofSeconds(1);

  private ChassisErrors() {}

  /** The API error for {@code failure}, or {@code failure} itself if it is not the chassis's. */
  static Throwable translate(Throwable failure) {
    if (failure instanceof ChassisException chassis) {
      ErrorCode code = new ErrorCode(chassis.code().name(), ChassisStatus.of(chassis.code()));
      if (chassis instanceof InvalidCredentialException invalid) {
        return ApiException.of(code, invalid.getMessage(), Map.of("field", invalid.field()));
      }
      return code.status() == 503 || code.status() == 429
          ? ApiException.retryAfter(code, chassis.getMessage(), RETRY_LATER)
          : ApiException.of(code, chassis.getMessage());
    }
    return failure;
  }

  static ApiException credentialNotFound(CredentialOwner owner, String name) {
    String whose =
        owner instanceof CredentialOwner.Tenant tenant ? "tenant " + tenant.id() : "the operator";
    return ApiException.of(
        CREDENTIAL_NOT_FOUND,
        "No credential " + Excerpt.of(name, Excerpt.VALUE_CHARS) + " of " + whose + " is stored.",
        Map.of("credential", name));
  }

  static ApiException vaultNotConfigured() {
    return ApiException.of(
        VAULT_NOT_CONFIGURED,
        "This chassis has no credential vault: its operator sets chassis.vault.masterKeysFile or"
            + " IF_CHASSIS_VAULT_MASTER_KEYS.");
  }

  static ApiException notFound(ToolRef ref) {
    return ApiException.of(
        TOOL_NOT_FOUND, "No tool " + ref + " is registered.", Map.of("tool", ref.toString()));
  }

  static ApiException notGranted(ToolRef ref) {
    return ApiException.of(
        TOOL_NOT_GRANTED,
        "The token does not grant the tool " + ref + ".",
        Map.of("tool", ref.toString()));
  }
}
