package com.infrafabric.hostapi.contract;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Grants {@code llm_complete} for the listed models. A call also needs the invocation's grant to
 * name the model: the models a call may use are this list intersected with the grant's, so neither
 * the publisher nor the governor alone can widen what a tool spends money on.
 *
 * @param models model names as the operator's providers serve them, e.g. {@code gpt-4o-mini}
 * @param maxCalls calls one invocation may make
 * @param maxOutputTokens the most {@code max_tokens} one call may ask for; it bounds the
 *     reservation made before the call
 */
public record LlmCapability(List<String> models, int maxCalls, int maxOutputTokens)
    implements Capability {

  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");

  public LlmCapability {
    models = List.copyOf(models);
    if (models.isEmpty()) {
      throw new IllegalArgumentException("llm.models must list at least one model");
    }
    for (String model : models) {
      if (!MODEL.matcher(model).matches()) {
        throw new IllegalArgumentException(
            "llm.models entry \"" + model + "\" must match " + MODEL.pattern());
      }
    }
    HttpCapability.positive("llm.maxCalls", maxCalls);
    HttpCapability.positive("llm.maxOutputTokens", maxOutputTokens);
  }

  @Override
  public CapabilityKind kind() {
    return CapabilityKind.LLM;
  }
}
