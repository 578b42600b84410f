package com.infrafabric.llm;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds each configured provider with its gate, and routes every model it serves to it. */
public final class Providers {

  private Providers() {}

  /**
   * The route of every model the {@code providers} serve; each provider's breaker is a gauge,
   * {@code <breakerGauge>{provider}} (1 while open), for the alert that pages on it.
   *
   * @param breakerGauge the gauge's name in the calling service ({@code chassis.llm.breaker.open})
   */
  public static Map<String, ProviderRoute> routes(
      Vertx vertx, List<ProviderSettings> providers, MeterRegistry meters, String breakerGauge) {
    Map<String, ProviderRoute> byModel = new HashMap<>();
    for (ProviderSettings settings : providers) {
      ProviderGate gate = new ProviderGate(vertx, settings);
      Gauge.builder(breakerGauge, gate, g -> g.open() ? 1 : 0)
          .description("1 while the provider's circuit breaker is open: its calls fail at once")
          .tag("provider", settings.name())
          .register(meters);
      ProviderRoute route = new ProviderRoute(settings, provider(vertx, settings), gate);
      settings.models().forEach(model -> byModel.put(model, route));
    }
    return byModel;
  }

  private static LlmProvider provider(Vertx vertx, ProviderSettings settings) {
    return switch (settings.format()) {
      case OPENAI_COMPATIBLE -> new OpenAiCompatibleProvider(vertx, settings);
      case ANTHROPIC -> new AnthropicProvider(vertx, settings);
      case OFFLINE -> new OfflineProvider();
    };
  }
}
