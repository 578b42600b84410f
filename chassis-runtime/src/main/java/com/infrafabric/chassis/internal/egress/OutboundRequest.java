package com.infrafabric.chassis.internal.egress;

import java.util.Map;

/**
 * A request a guest asked the host to send, already checked for shape (method, header names and
 * values) but not yet for destination.
 *
 * @param method upper-case method
 * @param url absolute URL
 * @param headers header names (lowercase) and values, none of them forbidden
 * @param body request body, possibly empty
 */
public record OutboundRequest(String method, String url, Map<String, String> headers, byte[] body) {

  public OutboundRequest {
    headers = Map.copyOf(headers);
  }
}
