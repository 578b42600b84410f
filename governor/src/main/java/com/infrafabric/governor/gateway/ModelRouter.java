package com.infrafabric.governor.gateway;

import com.infrafabric.governor.pricing.PricingCatalogue;
import com.infrafabric.llm.ProviderFormat;
import com.infrafabric.llm.ProviderRelay;
import com.infrafabric.llm.ProviderRoute;
import com.infrafabric.llm.Providers;
import com.infrafabric.platform.http.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns the model or alias a client names into the providers to try, in order: an alias's models as
 * configured, each with its provider, its breaker ({@link ProviderRoute}) and its relay; a served
 * model is its own one-model alias. A provider serves the endpoints of its format; the offline
 * provider serves those of every format, answering in each. Every name's targets are worked out
 * once, at construction: a call looks them up. Thread-safe after construction.
 */
final class ModelRouter implements AutoCloseable {

  /**
   * One model to try, on the provider that serves it.
   *
   * @param worstCase the longest a call to it can take with every retry ({@link
   *     com.infrafabric.llm.ProviderSettings#worstCase}), worked out once: {@link
   *     Duration#multipliedBy} is BigDecimal arithmetic, too dear for every call
   */
  record Target(String model, ProviderRoute route, ProviderRelay relay, Duration worstCase) {
    String provider() {
      return route.settings().name();
    }
  }

  /** Per format, every name with a target speaking it: its targets, in the order they are tried. */
  private final Map<ProviderFormat, Map<String, List<Target>>> targets =
      new EnumMap<>(ProviderFormat.class);

  private final List<ProviderRoute> routes;
  private final Collection<ProviderRelay> relays;

  ModelRouter(Vertx vertx, GatewaySettings settings, Clock clock, MeterRegistry meters) {
    Map<String, ProviderRoute> byModel =
        Providers.routes(vertx, settings.providers(), clock, meters, "governor.llm.breaker");
    Map<String, ProviderRelay> relays = new HashMap<>();
    byModel
        .values()
        .forEach(
            route ->
                relays.computeIfAbsent(
                    route.settings().name(),
                    name -> ProviderRelay.of(vertx, route.settings(), clock)));
    Set<String> names = new HashSet<>(settings.aliases().keySet());
    names.addAll(byModel.keySet());
    for (ProviderFormat format : ProviderFormat.values()) {
      Map<String, List<Target>> byName = new TreeMap<>();
      for (String name : names) {
        List<String> models = settings.aliases().getOrDefault(name, List.of(name));
        List<Target> found = resolve(models, format, byModel, relays);
        if (!found.isEmpty()) {
          byName.put(name, found);
        }
      }
      targets.put(format, byName);
    }
    this.routes = byModel.values().stream().distinct().toList();
    this.relays = List.copyOf(relays.values());
  }

  /** The targets among {@code models} that speak {@code format}, in their order. */
  private static List<Target> resolve(
      List<String> models,
      ProviderFormat format,
      Map<String, ProviderRoute> byModel,
      Map<String, ProviderRelay> relays) {
    List<Target> found = new ArrayList<>();
    for (String model : models) {
      ProviderRoute route = byModel.get(model);
      if (speaks(route, format)) {
        ProviderRelay relay = relays.get(route.settings().name());
        found.add(new Target(model, route, relay, route.settings().worstCase()));
      }
    }
    return List.copyOf(found);
  }

  /**
   * The targets of {@code name} that speak {@code format}, in the order they are tried.
   *
   * @throws ApiException 404 {@code MODEL_NOT_FOUND} if there is none
   */
  List<Target> targets(String name, ProviderFormat format) {
    List<Target> found = targets.get(format).get(name);
    if (found == null) {
      throw ApiException.of(
          GatewayErrors.MODEL_NOT_FOUND,
          "The model " + name + " does not exist on this gateway for this API.",
          Map.of("model", name));
    }
    return found;
  }

  /** True if {@code name} has a target in any format: a name a client may call. */
  boolean serves(String name) {
    return targets.values().stream().anyMatch(byName -> byName.containsKey(name));
  }

  /**
   * True if a call naming {@code name} in {@code format} can be priced on {@code prices}: it has
   * targets there and {@code prices} lists every one of them, since the call's worst case is priced
   * on the priciest model it may fall back to, and one unpriced is refused (422 {@code
   * MODEL_UNKNOWN}) on every call.
   */
  boolean callable(String name, ProviderFormat format, PricingCatalogue prices) {
    List<Target> found = targets.get(format).get(name);
    return found != null && found.stream().allMatch(target -> prices.lists(target.model()));
  }

  /** True if a call naming {@code name} can be priced on {@code prices} in some format. */
  boolean callable(String name, PricingCatalogue prices) {
    return targets.keySet().stream().anyMatch(format -> callable(name, format, prices));
  }

  /** True if {@code name} has a target that speaks {@code format}. */
  boolean serves(String name, ProviderFormat format) {
    return targets.get(format).containsKey(name);
  }

  /** True if {@code route} (null when no provider serves the model) answers in {@code format}. */
  private static boolean speaks(ProviderRoute route, ProviderFormat format) {
    return route != null
        && (route.settings().format() == format
            || route.settings().format() == ProviderFormat.OFFLINE);
  }

  /** Every alias and served model that has a target speaking {@code format}, sorted. */
  List<String> names(ProviderFormat format) {
    return List.copyOf(targets.get(format).keySet());
  }

  @Override
  public void close() {
    relays.forEach(ProviderRelay::close);
    routes.forEach(ProviderRoute::close);
  }
}
