package com.infrafabric.platform.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses, before routing, a request whose path as sent is not the one it would be routed on. The
 * router routes on a normalised path: it decodes percent-encoded unreserved characters ({@code %2e}
 * is {@code .}), removes {@code .} and {@code ..} segments and merges empty ones. A proxy or WAF in
 * front that matched the path as sent ({@code /llm/openai/v1/%2e%2e/%2e%2e/%2e%2e/v1/...}) would
 * then have allowed one resource and the service served another ({@code /v1/...}); so only a path
 * already in normal form is served. Besides the router's own rewrites, a backslash and a dot
 * segment behind an encoded slash ({@code a%2F..}) are refused, raw or encoded, as proxies that
 * decode them route differently; an encoded slash itself is served, since path parameters carry it
 * ({@code /v1/budgets/acme%2Fsearch}) and the router never splits on it.
 *
 * <p>The answer is 400 {@code MALFORMED_REQUEST} in the dialect the path as sent names, and the
 * connection is closed: its client and whatever relayed it read the request differently from this
 * server, so nothing more on it is served.
 */
final class RequestPath implements Handler<RoutingContext> {

  private static final Pattern BACKSLASH = Pattern.compile("\\\\|%5[cC]");
  private static final Pattern ENCODED_SLASH = Pattern.compile("%2[fF]");
  private static final Pattern ENCODED_DOT = Pattern.compile("%2[eE]");
  private static final Pattern ESCAPE = Pattern.compile("%([0-9A-Fa-f]{2})");

  private final BiConsumer<RoutingContext, ApiException> closeWith;

  /**
   * @param closeWith answers a request with an error in the dialect of its path as sent, and closes
   *     its connection
   */
  RequestPath(BiConsumer<RoutingContext, ApiException> closeWith) {
    this.closeWith = closeWith;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Optional<String> problem = problem(ctx.request().path());
    if (problem.isPresent()) {
      closeWith.accept(
          ctx,
          ApiException.of(
              ErrorCode.MALFORMED_REQUEST,
              "The request path is not in normal form: it "
                  + problem.get()
                  + ". Send the path it is meant to reach."));
      return;
    }
    ctx.next();
  }

  /**
   * Why {@code path} (as sent, before any decoding) is not in normal form, completing "the path
   * ..."; empty if it is.
   */
  static Optional<String> problem(String path) {
    if (path == null || !path.startsWith("/")) {
      return Optional.of("does not start with '/'");
    }
    if (plain(path)) {
      return Optional.empty();
    }
    String[] segments = path.substring(1).split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      Optional<String> problem = segmentProblem(segments[i], i == segments.length - 1);
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  /**
   * True for the paths clients send: no escape, no backslash, no empty segment and no segment
   * starting with a dot, so nothing the router would rewrite; checked without splitting or a
   * pattern, since it runs on every request.
   */
  private static boolean plain(String path) {
    return path.indexOf('%') < 0
        && path.indexOf('\\') < 0
        && !path.contains("//")
        && !path.contains("/.");
  }

  /** A trailing slash leaves the last segment empty, which the router keeps as it is. */
  private static Optional<String> segmentProblem(String segment, boolean last) {
    if (segment.isEmpty() && !last) {
      return Optional.of("has an empty segment ('//')");
    }
    if (BACKSLASH.matcher(segment).find()) {
      return Optional.of("holds a backslash, raw or percent-encoded");
    }
    for (String part : ENCODED_SLASH.split(segment, -1)) {
      String dots = ENCODED_DOT.matcher(part).replaceAll(".");
      if (dots.equals(".") || dots.equals("..")) {
        return Optional.of("has a '" + dots + "' segment, raw or percent-encoded");
      }
    }
    return encodedUnreserved(segment)
        .map(c -> "percent-encodes '" + c + "', which is routed decoded");
  }

  /** The first unreserved character (RFC 3986 section 2.3) {@code segment} percent-encodes. */
  private static Optional<Character> encodedUnreserved(String segment) {
    Matcher escape = ESCAPE.matcher(segment);
    while (escape.find()) {
      char c = (char) Integer.parseInt(escape.group(1), 16);
      if (isUnreserved(c)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }
}
