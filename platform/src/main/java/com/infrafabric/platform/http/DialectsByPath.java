package com.infrafabric.platform.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Answers what no route handles in the dialect that owns the request's path ({@link
 * WireDialect#paths()}), the platform's for every other path: a path or method no route matches
 * (404, 405), a refusal before routing (a request target over its bound, 414; a framing the server
 * will not read, 400 or 415; a path not in normal form, 400, by the path as sent rather than the
 * one the router would have normalised it to), and a request whose head the server could not read
 * ({@link UnreadableHead}: 431, 414, 400). An SDK whose base URL is one of the gateway's then reads
 * every answer it can get as an error of its own API. The one request with no path to go by is one
 * whose line the decoder dropped unread ({@link RequestTarget#MAX_LINE_BYTES}): it is answered the
 * platform's way.
 */
final class DialectsByPath {

  private final List<WireDialect> dialects;
  private final Function<WireDialect, FailureHandler> failures;
  private final List<Map.Entry<Pattern, HttpMethod>> routes;

  /**
   * @param dialects the dialects of the service's routes, besides the platform's
   * @param failures the failure handler of a dialect
   * @param routes every route the router serves, for the {@code Allow} header of a 405
   */
  DialectsByPath(
      List<WireDialect> dialects,
      Function<WireDialect, FailureHandler> failures,
      List<RouteDescriptor> routes) {
    this.dialects = List.copyOf(dialects);
    this.failures = failures;
    this.routes =
        routes.stream()
            .map(
                route ->
                    Map.entry(
                        Pattern.compile(
                            Pattern.quote(route.path())
                                .replaceAll(":[A-Za-z_][A-Za-z0-9_]*", "\\\\E[^/]+\\\\Q")),
                        route.method()))
            .toList();
  }

  /**
   * The failure handler for a request the router matched to no route, or that failed before
   * routing; a 405 says which methods the path takes ({@code Allow}, RFC 9110).
   */
  Handler<RoutingContext> unrouted() {
    return ctx -> {
      if (ctx.statusCode() == 405) {
        String path = ctx.request().path();
        ctx.response()
            .putHeader(
                HttpHeaders.ALLOW,
                routes.stream()
                    .filter(route -> route.getKey().matcher(path).matches())
                    .map(route -> route.getValue().name())
                    .distinct()
                    .sorted()
                    .collect(Collectors.joining(", ")));
      }
      failures.apply(owner(ctx.request().path())).handle(ctx);
    };
  }

  /**
   * Answers {@code ctx}'s request with {@code error} in the dialect of its path, under its request
   * id, and closes the connection: for a request whose framing leaves the rest of it unreadable.
   */
  void closeWith(RoutingContext ctx, ApiException error) {
    HttpServerRequest request = ctx.request();
    ErrorResponses.sendAndClose(
        request, error, Requests.requestId(ctx), owner(request.path()).errors());
  }

  private WireDialect owner(String path) {
    return dialects.stream()
        .filter(dialect -> dialect.owns(path))
        .findFirst()
        .orElse(WireDialect.PLATFORM);
  }
}
