package com.infrafabric.llm;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds each configured provider with its gate, and routes every model it serves to it. */
public final class Providers {

  private Providers() {}

  /**
   * The route of every model the {@code providers} serve. Each provider's breakers are two gauges,
   * tagged with the provider only (a tag per tenant would make a series per tenant): {@code
   * <breakerMeters>.open} (1 while the provider's own breaker is open), for the alert that pages on
   * it, and {@code <breakerMeters>.tenants.open} (how many tenants' own breakers of it are open).
   *
   * @param clock what the breakers read the time from
   * @param breakerMeters the gauges' prefix in the calling service ({@code chassis.llm.breaker})
   */
  public static Map<String, ProviderRoute> routes(
      Vertx vertx,
      List<ProviderSettings> providers,
      Clock clock,
      MeterRegistry meters,
      String breakerMeters) {
    Map<String, ProviderRoute> byModel = new HashMap<>();
    for (ProviderSettings settings : providers) {
      ProviderGate gate = new ProviderGate(vertx, settings, clock);
      Gauge.builder(breakerMeters + ".open", gate, g -> g.open() ? 1 : 0)
          .description("1 while the provider's circuit breaker is open: every tenant's calls fail")
          .tag("provider", settings.name())
          .register(meters);
      Gauge.builder(breakerMeters + ".tenants.open", gate, ProviderGate::tenantsOpen)
          .description(
              "Tenants with a circuit breaker of their own open, theirs of the provider or of one"
                  + " of its models (a 429 holding their calls of it off): those calls fail")
          .tag("provider", settings.name())
          .register(meters);
      ProviderRoute route = new ProviderRoute(settings, provider(vertx, settings, clock), gate);
      settings.models().forEach(model -> byModel.put(model, route));
    }
    return byModel;
  }

  private static LlmProvider provider(Vertx vertx, ProviderSettings settings, Clock clock) {
    return switch (settings.format()) {
      case OPENAI_COMPATIBLE -> new OpenAiCompatibleProvider(vertx, settings, clock);
      case ANTHROPIC -> new AnthropicProvider(vertx, settings, clock);
      case OFFLINE -> new OfflineProvider();
    };
  }
}
