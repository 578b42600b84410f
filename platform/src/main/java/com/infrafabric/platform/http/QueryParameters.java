package com.infrafabric.platform.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query parameters each operation of a service takes, as its OpenAPI document declares them
 * (the one declaration of the protocol). A request naming a parameter its operation does not take,
 * a misspelt {@code limt=5} say, or naming one twice, is refused with 400 {@code INVALID_REQUEST}
 * instead of being answered as if the parameter had not been sent. A raw {@code ;} is refused too:
 * only {@code &} separates parameters, as in the URL standard.
 */
public final class QueryParameters {

  private static final String PARAMETER_REF = "#/components/parameters/";

  private final Map<String, Set<String>> byOperation;

  private QueryParameters(Map<String, Set<String>> byOperation) {
    this.byOperation = Map.copyOf(byOperation);
  }

  /**
   * Reads every operation's query parameters from an OpenAPI 3 document: those listed on the
   * operation or on its path, inline or as a reference to {@code components/parameters}.
   *
   * @throws IllegalStateException if a parameter reference leads nowhere
   */
  static QueryParameters fromOpenApi(JsonObject document) {
    JsonObject shared =
        document.getJsonObject("components", new JsonObject()).getJsonObject("parameters");
    Map<String, Set<String>> byOperation = new HashMap<>();
    JsonObject paths = document.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      JsonArray onPath = item.getJsonArray("parameters", new JsonArray());
      for (String method : item.fieldNames()) {
        if (method.equals("parameters")) {
          continue;
        }
        Set<String> names = new TreeSet<>();
        for (JsonArray list :
            List.of(
                onPath, item.getJsonObject(method).getJsonArray("parameters", new JsonArray()))) {
          for (Object entry : list) {
            JsonObject parameter = resolve((JsonObject) entry, shared);
            if ("query".equals(parameter.getString("in"))) {
              names.add(parameter.getString("name"));
            }
          }
        }
        byOperation.put(key(HttpMethod.valueOf(method.toUpperCase(Locale.ROOT)), path), names);
      }
    }
    return new QueryParameters(byOperation);
  }

  private static JsonObject resolve(JsonObject parameter, JsonObject shared) {
    String ref = parameter.getString("$ref");
    if (ref == null) {
      return parameter;
    }
    JsonObject target =
        ref.startsWith(PARAMETER_REF) && shared != null
            ? shared.getJsonObject(ref.substring(PARAMETER_REF.length()))
            : null;
    if (target == null) {
      throw new IllegalStateException("parameter reference " + ref + " leads nowhere");
    }
    return target;
  }

  /**
   * The check for {@code route}'s requests: a step of its chain that refuses a parameter the
   * operation does not declare (an operation the document lacks takes none) or one named twice.
   */
  Handler<RoutingContext> check(RouteDescriptor route) {
    return checking(byOperation.getOrDefault(key(route.method(), route.openApiPath()), Set.of()));
  }

  /** The check of a platform route (health, metrics), which takes no query parameters. */
  static Handler<RoutingContext> none() {
    return checking(Set.of());
  }

  private static Handler<RoutingContext> checking(Set<String> allowed) {
    return ctx -> {
      String raw = ctx.request().query();
      if (raw != null && raw.indexOf(';') >= 0) {
        // The decoder splits at ';' as at '&'; a cache or proxy in front may not, and would then
        // see other parameters than the service does.
        throw ApiException.of(
            ErrorCode.INVALID_REQUEST,
            "Query parameters are separated by '&' only; send a ';' in a value as %3B.");
      }
      MultiMap query = ctx.queryParams();
      for (String name : query.names()) {
        if (!allowed.contains(name)) {
          throw ApiException.of(
              ErrorCode.INVALID_REQUEST,
              allowed.isEmpty()
                  ? "This operation takes no query parameters."
                  : "Unknown query parameter; this operation takes "
                      + String.join(", ", allowed)
                      + ".",
              Map.of("field", name));
        }
        if (query.getAll(name).size() > 1) {
          throw ApiException.of(
              ErrorCode.INVALID_REQUEST,
              "A query parameter is given more than once.",
              Map.of("field", name));
        }
      }
      ctx.next();
    };
  }

  private static String key(HttpMethod method, String openApiPath) {
    return method.name() + ' ' + openApiPath;
  }
}
