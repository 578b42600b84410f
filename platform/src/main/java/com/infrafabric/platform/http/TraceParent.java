package com.infrafabric.platform.http;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The W3C Trace Context {@code traceparent} header a caller's tracing sent with the request
 * (version {@code 00}: 32 hex digits of trace id, 16 of parent span id, 2 of flags; all-zero ids
 * are invalid). Only a well-formed header is kept, so what is logged is always 55 safe characters.
 *
 * @param traceId the trace this request belongs to, lower-case hex
 * @param parentId the caller's span, lower-case hex
 */
record TraceParent(String traceId, String parentId) {

  static final String HEADER = "traceparent";
  private static final Pattern VERSION_00 =
      Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");
  private static final String ZERO_TRACE = "0".repeat(32);
  private static final String ZERO_PARENT = "0".repeat(16);

  /** The header's trace and parent, or empty if it is missing or malformed. */
  static Optional<TraceParent> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    var matcher = VERSION_00.matcher(header.strip());
    if (!matcher.matches()
        || matcher.group(1).equals(ZERO_TRACE)
        || matcher.group(2).equals(ZERO_PARENT)) {
      return Optional.empty();
    }
    return Optional.of(new TraceParent(matcher.group(1), matcher.group(2)));
  }
}
