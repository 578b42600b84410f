package com.infrafabric.governor.gateway;

import com.infrafabric.llm.ProviderFormat;
import com.infrafabric.llm.ProviderRelay;
import com.infrafabric.llm.ProviderRoute;
import com.infrafabric.llm.Providers;
import com.infrafabric.platform.http.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns the model or alias a client names into the providers to try, in order: an alias's models as
 * configured, each with its provider, its breaker ({@link ProviderRoute}) and its relay; a served
 * model is its own one-model alias. A provider serves the endpoints of its format; the offline
 * provider serves those of every format, answering in each. Thread-safe after construction.
 */
final class ModelRouter implements AutoCloseable {

  /** One model to try, on the provider that serves it. */
  record Target(String model, ProviderRoute route, ProviderRelay relay) {
    String provider() {
      return route.settings().name();
    }
  }

  private final GatewaySettings settings;
  private final Map<String, ProviderRoute> byModel;
  private final Map<String, ProviderRelay> relays = new HashMap<>();

  ModelRouter(Vertx vertx, GatewaySettings settings, MeterRegistry meters) {
    this.settings = settings;
    this.byModel =
        Providers.routes(vertx, settings.providers(), meters, "governor.llm.breaker.open");
    byModel
        .values()
        .forEach(
            route ->
                relays.computeIfAbsent(
                    route.settings().name(), name -> ProviderRelay.of(vertx, route.settings())));
  }

  /**
   * The targets of {@code name} that speak {@code format}, in the order they are tried.
   *
   * @throws ApiException 404 {@code MODEL_NOT_FOUND} if there is none
   */
  List<Target> targets(String name, ProviderFormat format) {
    List<Target> targets = new ArrayList<>();
    for (String model : settings.aliases().getOrDefault(name, List.of(name))) {
      ProviderRoute route = byModel.get(model);
      if (speaks(route, format)) {
        targets.add(new Target(model, route, relays.get(route.settings().name())));
      }
    }
    if (targets.isEmpty()) {
      throw ApiException.of(
          GatewayErrors.MODEL_NOT_FOUND,
          "The model " + name + " does not exist on this gateway for this API.",
          Map.of("model", name));
    }
    return List.copyOf(targets);
  }

  /** True if {@code name} has a target that speaks {@code format}. */
  boolean serves(String name, ProviderFormat format) {
    return settings.aliases().getOrDefault(name, List.of(name)).stream()
        .map(byModel::get)
        .anyMatch(route -> speaks(route, format));
  }

  /** True if {@code route} (null when no provider serves the model) answers in {@code format}. */
  private static boolean speaks(ProviderRoute route, ProviderFormat format) {
    return route != null
        && (route.settings().format() == format
            || route.settings().format() == ProviderFormat.OFFLINE);
  }

  /** Every alias and served model that has a target speaking {@code format}, sorted. */
  List<String> names(ProviderFormat format) {
    TreeSet<String> names = new TreeSet<>(settings.aliases().keySet());
    names.addAll(byModel.keySet());
    names.removeIf(name -> !serves(name, format));
    return List.copyOf(names);
  }

  @Override
  public void close() {
    relays.values().forEach(ProviderRelay::close);
    byModel.values().stream().distinct().forEach(ProviderRoute::close);
  }
}
