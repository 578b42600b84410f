package com.infrafabric.platform.http;

import com.infrafabric.platform.auth.AuthResult;
import com.infrafabric.platform.auth.JwtAuthenticator;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requires a valid {@code Authorization: Bearer} token (or the credential a route's {@link
 * WireDialect} reads) and stores its {@link com.infrafabric.platform.auth.Principal} for the route.
 * It reads the headers only, before any of the body, and tells the {@link ConnectionGuard} that the
 * connection carried an authenticated request, whose caller's share of connections may refuse it. A
 * missing or refused token is answered 401 {@code UNAUTHENTICATED} with {@code WWW-Authenticate:
 * Bearer} ({@code error="invalid_token"} for a refused one, {@link BearerChallenge}), saying why in
 * its message and its {@code reason} detail; neither the answer nor the log ever contains the
 * token.
 */
final class AuthenticationHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(AuthenticationHandler.class);
  private static final String BEARER = "bearer ";

  private final JwtAuthenticator authenticator;
  private final WireDialect.Callers callers;
  private final ConnectionGuard connections;

  AuthenticationHandler(
      JwtAuthenticator authenticator, WireDialect.Callers callers, ConnectionGuard connections) {
    this.authenticator = authenticator;
    this.callers = callers;
    this.connections = connections;
  }

  @Override
  public void handle(RoutingContext ctx) {
    // The same credential sent twice is that credential; two different ones are refused.
    if (ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION).stream().distinct().count() > 1) {
      proceed(ctx, new AuthResult.Rejected(AuthResult.Reason.AMBIGUOUS));
      return;
    }
    callers
        .authenticate(ctx.request(), authenticator)
        .onSuccess(result -> proceed(ctx, result))
        .onFailure(ctx::fail);
  }

  private void proceed(RoutingContext ctx, AuthResult result) {
    if (result instanceof AuthResult.Authenticated authenticated) {
      ctx.put(Requests.PRINCIPAL, authenticated.principal());
      Optional<ApiException> refused =
          connections.authenticated(
              ctx,
              new ConnectionGuard.Owner(
                  Requests.principalTenant(ctx), authenticated.principal().subject()));
      refused.ifPresentOrElse(ctx::fail, ctx::next);
      return;
    }
    AuthResult.Reason reason = ((AuthResult.Rejected) result).reason();
    LOG.debug("request {}: token refused ({})", Requests.requestId(ctx), reason.code());
    // The reason is in the message too: a foreign dialect's error shape drops the details.
    ApiException refusal =
        ApiException.of(
            ErrorCode.UNAUTHENTICATED,
            "A valid credential is required: " + reason.sentence() + ".",
            Map.of("reason", reason.code()));
    ctx.fail(bearerError(reason).map(refusal::challenging).orElse(refusal));
  }

  /**
   * What the challenge says of a refused credential (RFC 6750, section 3.1): nothing when none was
   * sent, {@code invalid_request} for two, {@code invalid_token} for any other refusal, described
   * by the reason's fixed sentence.
   */
  private static Optional<ApiException.BearerError> bearerError(AuthResult.Reason reason) {
    return switch (reason) {
      case MISSING -> Optional.empty();
      case AMBIGUOUS ->
          Optional.of(new ApiException.BearerError("invalid_request", reason.sentence()));
      default -> Optional.of(new ApiException.BearerError("invalid_token", reason.sentence()));
    };
  }

  /** The token after a case-insensitive {@code Bearer } scheme, or null. */
  static String bearerToken(String authorization) {
    if (authorization == null || authorization.length() <= BEARER.length()) {
      return null;
    }
    boolean bearer = authorization.regionMatches(true, 0, BEARER, 0, BEARER.length());
    return bearer ? authorization.substring(BEARER.length()).strip() : null;
  }
}
