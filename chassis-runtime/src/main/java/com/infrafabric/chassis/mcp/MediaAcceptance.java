package com.infrafabric.chassis.mcp;

import io.vertx.ext.web.MIMEHeader;
import io.vertx.ext.web.RoutingContext;
import java.util.Comparator;
import java.util.List;

/**
 * Whether a request's {@code Accept} admits the media type the endpoint answers a verb with ({@code
 * application/json} for {@code POST}, {@code text/event-stream} for {@code GET}), by content
 * negotiation (RFC 9110, section 12.5.1) rather than by a substring: {@code *}{@code /*} and {@code
 * type/*} admit it, the most specific range that covers it decides, and its q-value 0 refuses. A
 * request without {@code Accept} admits any type, as RFC 9110 says; MCP asks its clients to send
 * one, and the official SDKs always do.
 *
 * <p>A {@code POST} is not required to admit {@code text/event-stream} as well, though MCP asks its
 * clients to list both: this server answers every {@code POST} with JSON alone, so a client that
 * accepts only JSON is served everything it asked for.
 */
record MediaAcceptance(String type, String subtype) {

  static final MediaAcceptance JSON = new MediaAcceptance("application", "json");
  static final MediaAcceptance EVENT_STREAM = new MediaAcceptance("text", "event-stream");

  /** True if the request's {@code Accept} admits this type. */
  boolean admittedBy(RoutingContext ctx) {
    return admittedBy(ctx.parsedHeaders().accept());
  }

  /** True if {@code ranges}, a request's parsed {@code Accept}, admit this type. */
  boolean admittedBy(List<MIMEHeader> ranges) {
    return ranges.isEmpty()
        || ranges.stream()
            .filter(this::covers)
            .max(Comparator.comparingInt(MediaAcceptance::specificity))
            .map(range -> range.weight() > 0)
            .orElse(false);
  }

  @Override
  public String toString() {
    return type + "/" + subtype;
  }

  private boolean covers(MIMEHeader range) {
    String rangeType = range.component();
    String rangeSubtype = range.subComponent();
    return "*".equals(rangeType) && "*".equals(rangeSubtype)
        || type.equalsIgnoreCase(rangeType)
            && ("*".equals(rangeSubtype) || subtype.equalsIgnoreCase(rangeSubtype));
  }

  private static int specificity(MIMEHeader range) {
    return "*".equals(range.component()) ? 0 : "*".equals(range.subComponent()) ? 1 : 2;
  }
}
