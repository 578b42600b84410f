package com.infrafabric.governor.gateway;

import com.infrafabric.governor.keys.VirtualKey;
import com.infrafabric.governor.keys.VirtualKeys;
import com.infrafabric.platform.auth.AuthResult;
import com.infrafabric.platform.auth.JwtAuthenticator;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.http.WireDialect;
import com.infrafabric.platform.redis.RedisUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Finds a gateway caller from the credential the SDKs send: {@code x-api-key} (Anthropic) or {@code
 * Authorization: Bearer} (OpenAI; the Anthropic SDK's auth token). Anthropic's Python SDK, given
 * both an API key and an auth token, sends both: the same credential in both is that credential,
 * and two different ones are refused as ambiguous, since acting with either would be a guess. A
 * credential of the virtual key form is looked up among the virtual keys (a revocation holds within
 * their cache's ttl); anything else must be a platform JWT. The credential is read from the headers
 * only and never logged or echoed. A virtual key becomes a principal with role {@code agent}, its
 * scope, its models and its per-minute limits as claims, which {@link GatewayCaller#of} reads back.
 */
final class GatewayCallers implements WireDialect.Callers {

  /**
   * The principal subject of a virtual key: owns the idempotency keys of its calls. Reserved: a
   * token naming a subject in it is refused on the gateway ({@link #notPosingAsKey}).
   */
  static final String KEY_SUBJECT = "vkey:";

  static final String RPM_CLAIM = "rpm";
  static final String TPM_CLAIM = "tpm";

  private static final String BEARER = "bearer ";

  private final Function<String, Future<Optional<VirtualKey>>> virtualKeys;

  /**
   * @param virtualKeys the live key a presented secret stands for, empty if it is unknown, revoked
   *     or expired
   */
  GatewayCallers(Function<String, Future<Optional<VirtualKey>>> virtualKeys) {
    this.virtualKeys = virtualKeys;
  }

  @Override
  public Future<AuthResult> authenticate(HttpServerRequest request, JwtAuthenticator tokens) {
    List<String> presented = presented(request);
    if (presented.size() > 1) {
      return Future.succeededFuture(new AuthResult.Rejected(AuthResult.Reason.AMBIGUOUS));
    }
    String credential = presented.isEmpty() ? null : presented.get(0);
    if (!VirtualKeys.looksLikeKey(credential)) {
      return tokens.authenticate(credential).map(GatewayCallers::notPosingAsKey);
    }
    return virtualKeys
        .apply(credential)
        .recover(GatewayCallers::notApplied)
        .map(
            key ->
                key.<AuthResult>map(k -> new AuthResult.Authenticated(principal(k)))
                    .orElse(new AuthResult.Rejected(AuthResult.Reason.UNKNOWN_KEY)));
  }

  /**
   * A key's lookup is a read: whatever became of it, the request's own operation was never
   * attempted, so a lookup the store did not answer is "not applied" (503 {@code
   * STORE_UNAVAILABLE}), never "outcome unknown", which told the client to retry with an {@code
   * Idempotency-Key} the answer, made before the call began, did not carry.
   */
  private static Future<Optional<VirtualKey>> notApplied(Throwable failure) {
    return Future.failedFuture(
        RedisUnavailableException.isOutcomeUnknown(failure)
            ? RedisUnavailableException.notApplied(
                "the virtual key lookup got no answer; the request was not attempted", failure)
            : failure);
  }

  /**
   * Refuses a token whose subject lies in the namespace of virtual keys' principals ({@link
   * #KEY_SUBJECT}): what kind of caller a principal is must follow from how it was proven, never
   * from what a token says. A token with such a subject and a key's claims was taken for that key,
   * shared its buckets (locking the key's own caller out), was exempt from the per-principal limit
   * and put its spend under the key's id.
   */
  private static AuthResult notPosingAsKey(AuthResult result) {
    return result instanceof AuthResult.Authenticated proven
            && proven.principal().subject().startsWith(KEY_SUBJECT)
        ? new AuthResult.Rejected(AuthResult.Reason.CLAIMS)
        : result;
  }

  /**
   * A virtual key's requests are held by its own buckets (the rpm and tpm its admin set, taken with
   * the reservation: {@link CallAdmission}; the rpm alone for another route), not by the
   * per-principal limit of role {@code agent}, on the routes that take from them ({@link
   * GatewayRoutes#register}).
   */
  @Override
  public boolean limitsItself(Principal caller) {
    return GatewayCaller.isKey(caller);
  }

  /** The principal a live virtual key stands for. */
  static Principal principal(VirtualKey key) {
    // A key for any model carries no models claim: an absent claim is what allows every model.
    Map<String, List<String>> models =
        key.allowedModels().contains(VirtualKey.ANY_MODEL)
            ? Map.of()
            : Map.of(GatewayCaller.MODELS_CLAIM, List.copyOf(key.allowedModels()));
    return new Principal(
        KEY_SUBJECT + key.tenant() + ":" + key.id(),
        Set.of("agent"),
        Map.of(
            Principal.SCOPE,
            key.scope().path(),
            GatewayCaller.KEY_CLAIM,
            key.id(),
            RPM_CLAIM,
            Long.toString(key.requestsPerMinute()),
            TPM_CLAIM,
            Long.toString(key.tokensPerMinute())),
        models);
  }

  /**
   * The different credentials the request presents: each {@code x-api-key}, and each {@code
   * Authorization}'s bearer token (or the value as sent, if it names another scheme), each once.
   */
  private static List<String> presented(HttpServerRequest request) {
    return Stream.concat(
            request.headers().getAll("x-api-key").stream().map(String::strip),
            request.headers().getAll("authorization").stream().map(GatewayCallers::bearerToken))
        .distinct()
        .toList();
  }

  private static String bearerToken(String authorization) {
    boolean bearer = authorization.regionMatches(true, 0, BEARER, 0, BEARER.length());
    return (bearer ? authorization.substring(BEARER.length()) : authorization).strip();
  }
}
