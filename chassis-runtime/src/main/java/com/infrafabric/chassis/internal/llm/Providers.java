package com.infrafabric.chassis.internal.llm;

import com.infrafabric.chassis.llm.ProviderSettings;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds each configured provider with its gate, and routes every model it serves to it. */
public final class Providers {

  private Providers() {}

  /** The route of every model the {@code providers} serve. */
  public static Map<String, LlmGateway.Route> routes(
      Vertx vertx, List<ProviderSettings> providers) {
    Map<String, LlmGateway.Route> byModel = new HashMap<>();
    for (ProviderSettings settings : providers) {
      LlmGateway.Route route =
          new LlmGateway.Route(
              settings, provider(vertx, settings), new ProviderGate(vertx, settings));
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
