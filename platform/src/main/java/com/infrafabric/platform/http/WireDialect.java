package com.infrafabric.platform.http;

import com.infrafabric.platform.auth.AuthResult;
import com.infrafabric.platform.auth.JwtAuthenticator;
import com.infrafabric.platform.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Objects;

/**
 * How routes that speak someone else's protocol (an LLM provider's API, which that provider's
 * official SDKs call unchanged) find their caller and answer their errors. Everything else of such
 * a route's chain is the platform's: the in-flight bound, admission, the rate limit, the route's
 * {@link Access}, the bounded body. Register them with {@link Routes#speaking}.
 *
 * @param paths the path prefix the dialect owns ({@code /llm/openai}): a request under it that
 *     matches no route (404, 405), is refused before routing (414, 400, 415) or whose head could
 *     not be read (431, 400) is answered in the dialect too, so its SDK reads the error as it reads
 *     any other
 * @param callers finds the caller from the request's headers, before any of the body is read
 * @param errors renders every failure of the route, the platform's own (401, 403, 413, 429, 503)
 *     included
 */
public record WireDialect(String paths, Callers callers, Errors errors) {

  /**
   * Carries the platform's stable error code on an error a foreign dialect renders, whose body has
   * no place for it.
   */
  public static final String ERROR_CODE_HEADER = "X-Error-Code";

  public WireDialect {
    Objects.requireNonNull(paths, "paths");
    if (!paths.isEmpty() && (!paths.startsWith("/") || paths.endsWith("/"))) {
      throw new IllegalArgumentException(
          "a dialect's paths " + paths + " must start with / and not end with it");
    }
    Objects.requireNonNull(callers, "callers");
    Objects.requireNonNull(errors, "errors");
  }

  /** True if {@code path} lies under the dialect's prefix, at a segment boundary. */
  boolean owns(String path) {
    return path != null
        && path.startsWith(paths)
        && (path.length() == paths.length() || path.charAt(paths.length()) == '/');
  }

  /** Authenticates a request of the dialect from its headers alone. */
  @FunctionalInterface
  public interface Callers {
    /**
     * The caller, or why it was refused; never a failed future for a refusal.
     *
     * @param tokens the service's JWT authenticator, for credentials that are platform tokens
     */
    Future<AuthResult> authenticate(HttpServerRequest request, JwtAuthenticator tokens);

    /**
     * True if {@code caller}'s requests are held by a limit of the dialect's own (a gateway's
     * virtual key by its key's buckets, which its admin set): on the routes whose handlers take
     * from that limit ({@link Routes#limitedByDialect}), the service's per-principal limit then
     * takes nothing from them, so it never caps what the admin allowed. False by default.
     */
    default boolean limitsItself(Principal caller) {
      return false;
    }
  }

  /** Renders a failure as the dialect's error answer. */
  @FunctionalInterface
  public interface Errors {
    /**
     * The status, body and extra headers {@code error} is answered with; {@code Retry-After} and
     * the request id header are added by the platform.
     */
    Rendered render(ApiException error, String requestId);
  }

  /**
   * An error answer.
   *
   * @param status the HTTP status
   * @param body the JSON body
   * @param headers headers besides the platform's, e.g. {@code x-should-retry}
   */
  public record Rendered(int status, JsonObject body, Map<String, String> headers) {
    public Rendered {
      Objects.requireNonNull(body, "body");
      headers = Map.copyOf(headers);
    }
  }

  /**
   * The platform's own dialect, which owns every path no other dialect does: bearer JWTs and the
   * {@code code, message, details} shape.
   */
  static final WireDialect PLATFORM =
      new WireDialect(
          "",
          (request, tokens) ->
              tokens.authenticate(
                  AuthenticationHandler.bearerToken(request.getHeader("authorization"))),
          WireDialect::platformError);

  private static Rendered platformError(ApiException error, String requestId) {
    JsonObject details = new JsonObject();
    error.details().forEach(details::put);
    details.put("requestId", requestId);
    JsonObject body =
        new JsonObject()
            .put("code", error.code().code())
            .put("message", error.getMessage())
            .put("details", details);
    return new Rendered(error.status(), body, Map.of());
  }
}
