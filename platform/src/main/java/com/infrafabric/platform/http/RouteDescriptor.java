package com.infrafabric.platform.http;

import com.infrafabric.platform.auth.Access;
import io.vertx.core.http.HttpMethod;
import java.util.Objects;

/**
 * One route a service answers, as registered: what a test compares with the OpenAPI document.
 *
 * @param method the HTTP method
 * @param path the Vert.x path template, e.g. {@code /v1/budgets/:scope}
 * @param access who may call it; null only for the anonymous liveness route
 */
public record RouteDescriptor(HttpMethod method, String path, Access access) {

  public RouteDescriptor {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
  }

  /** The path in OpenAPI form, e.g. {@code /v1/budgets/{scope}}. */
  public String openApiPath() {
    return path.replaceAll(":([A-Za-z_][A-Za-z0-9_]*)", "{$1}");
  }

  public boolean anonymous() {
    return access == null;
  }
}
