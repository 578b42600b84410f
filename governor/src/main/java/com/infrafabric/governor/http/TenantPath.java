package com.infrafabric.governor.http;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.tenant.Scope;
import io.vertx.ext.web.RoutingContext;

/**
 * The one reading of a route's {@code :tenant} path segment. The router decodes {@code %2F}, so
 * {@code /v1/tenants/acme%2Fsearch/...} arrives as {@code acme/search}: every route refuses it with
 * 400 {@code INVALID_REQUEST}, rather than one route reading its first segment and answering for
 * the whole tenant while another refuses it.
 */
final class TenantPath {

  static final String PARAM = "tenant";

  private TenantPath() {}

  /**
   * The tenant the path names: a single scope segment, else 400 naming the field {@code tenant}.
   */
  static String of(RoutingContext ctx) {
    return Scope.segment(ErrorCode.INVALID_REQUEST, PARAM, ctx.pathParam(PARAM));
  }
}
