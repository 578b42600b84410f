package com.infrafabric.governor.gateway;

import com.infrafabric.platform.auth.AuthResult;
import com.infrafabric.platform.auth.JwtAuthenticator;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.http.WireDialect;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds a gateway caller from the credential the SDKs send: {@code x-api-key} (Anthropic) or {@code
 * Authorization: Bearer} (OpenAI; the Anthropic SDK's auth token). A credential with the virtual
 * key prefix is looked up among the virtual keys; anything else must be a platform JWT. The
 * credential is read from the headers only and never logged or echoed.
 */
final class GatewayCallers implements WireDialect.Callers {

  /** How a virtual key is told from a JWT: it starts with this. */
  static final String KEY_PREFIX = "ifk_";

  private static final String BEARER = "bearer ";

  private final Function<String, Future<Optional<Principal>>> virtualKeys;

  /**
   * @param virtualKeys the principal a presented virtual key stands for, empty if it is unknown,
   *     revoked or expired
   */
  GatewayCallers(Function<String, Future<Optional<Principal>>> virtualKeys) {
    this.virtualKeys = virtualKeys;
  }

  /** Callers with JWTs only: every virtual key is unknown. */
  static GatewayCallers tokensOnly() {
    return new GatewayCallers(key -> Future.succeededFuture(Optional.empty()));
  }

  @Override
  public Future<AuthResult> authenticate(HttpServerRequest request, JwtAuthenticator tokens) {
    String credential = credential(request);
    if (credential == null || !credential.startsWith(KEY_PREFIX)) {
      return tokens.authenticate(credential);
    }
    return virtualKeys
        .apply(credential)
        .map(
            principal ->
                principal
                    .<AuthResult>map(AuthResult.Authenticated::new)
                    .orElse(new AuthResult.Rejected(AuthResult.Reason.UNKNOWN_KEY)));
  }

  /** {@code x-api-key}, else the bearer token, else null. */
  private static String credential(HttpServerRequest request) {
    String apiKey = request.getHeader("x-api-key");
    if (apiKey != null && !apiKey.isBlank()) {
      return apiKey.strip();
    }
    String authorization = request.getHeader("authorization");
    if (authorization == null
        || authorization.length() <= BEARER.length()
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    return authorization.substring(BEARER.length()).strip();
  }
}
