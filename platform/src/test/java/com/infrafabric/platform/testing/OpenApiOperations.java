package com.infrafabric.platform.testing;

import com.infrafabric.platform.http.RouteDescriptor;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operations of a service as {@code "METHOD /path"} strings, once from its OpenAPI document and
 * once from the routes it serves, so a test can require the two sets to be equal.
 */
public final class OpenApiOperations {

  /** The fields of a path item that are operations; the others (parameters, summary) are not. */
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private OpenApiOperations() {}

  /** Every operation under {@code paths} of an OpenAPI document. */
  public static Set<String> documented(JsonObject document) {
    Set<String> operations = new TreeSet<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String field : paths.getJsonObject(path).fieldNames()) {
        if (METHODS.contains(field)) {
          operations.add(field.toUpperCase(Locale.ROOT) + " " + path);
        }
      }
    }
    return operations;
  }

  /** Every route a service answers, platform routes included, with OpenAPI path templates. */
  public static Set<String> served(Collection<RouteDescriptor> routes) {
    Set<String> operations = new TreeSet<>();
    routes.forEach(r -> operations.add(r.method().name() + " " + r.openApiPath()));
    return operations;
  }
}
