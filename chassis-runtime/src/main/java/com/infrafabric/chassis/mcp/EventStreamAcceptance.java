package com.infrafabric.chassis.mcp;

import io.vertx.ext.web.MIMEHeader;
import java.util.Comparator;
import java.util.List;

/**
 * Whether a request's {@code Accept} media ranges accept {@code text/event-stream}, by content
 * negotiation (RFC 9110, section 12.5.1) rather than by a substring: {@code *}{@code /*} and {@code
 * text/*} accept it, the most specific range that covers it decides, and its q-value 0 refuses.
 */
final class EventStreamAcceptance {

  private EventStreamAcceptance() {}

  /** True if {@code ranges}, the request's parsed {@code Accept}, accept an event stream. */
  static boolean accepts(List<MIMEHeader> ranges) {
    return ranges.stream()
        .filter(EventStreamAcceptance::covers)
        .max(Comparator.comparingInt(EventStreamAcceptance::specificity))
        .map(range -> range.weight() > 0)
        .orElse(false);
  }

  private static boolean covers(MIMEHeader range) {
    String type = range.component();
    String subtype = range.subComponent();
    return "*".equals(type) && "*".equals(subtype)
        || "text".equalsIgnoreCase(type)
            && ("*".equals(subtype) || "event-stream".equalsIgnoreCase(subtype));
  }

  private static int specificity(MIMEHeader range) {
    return "*".equals(range.component()) ? 0 : "*".equals(range.subComponent()) ? 1 : 2;
  }
}
