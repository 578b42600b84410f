package com.infrafabric.governor.pricing;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.TokenUsage;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One version of the price list. Versions only go up; every ledger entry names the version its cost
 * came from, so a price change never rewrites history.
 *
 * @param version the catalogue version, starting at 1 (0 means no catalogue has been published)
 * @param models prices by model name
 */
public record PricingCatalogue(long version, Map<String, ModelPrice> models) {

  public static final int MAX_MODELS = 1000;
  public static final PricingCatalogue EMPTY = new PricingCatalogue(0, Map.of());

  public PricingCatalogue {
    if (version < 0) {
      throw new GovernorException(ErrorCode.INVALID_PRICING, "version must not be negative");
    }
    if (models.size() > MAX_MODELS) {
      throw new GovernorException(
          ErrorCode.INVALID_PRICING, "a catalogue holds at most " + MAX_MODELS + " models");
    }
    models = Map.copyOf(models);
  }

  /**
   * Builds a catalogue from a list of prices.
   *
   * @throws GovernorException {@code INVALID_PRICING} if a model appears twice
   */
  public static PricingCatalogue of(long version, Collection<ModelPrice> prices) {
    Map<String, ModelPrice> byModel = new LinkedHashMap<>();
    for (ModelPrice price : prices) {
      if (byModel.put(price.model(), price) != null) {
        throw new GovernorException(
            ErrorCode.INVALID_PRICING, "model " + price.model() + " is listed twice");
      }
    }
    return new PricingCatalogue(version, byModel);
  }

  /**
   * The price of {@code model}.
   *
   * @throws GovernorException {@code MODEL_UNKNOWN} if the catalogue does not list it; {@code
   *     INVALID_REQUEST}, without echoing it, if it is not a model name at all (no catalogue lists
   *     one, and an answer must not grow with what a caller sent)
   */
  public ModelPrice price(String model) {
    ModelPrice price = models.get(model);
    if (price == null && !ModelPrice.isValidName(model)) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST,
          "model must be a model name: 1-128 letters, digits and ._:/@-, starting with a letter"
              + " or digit",
          Map.of("field", "model"));
    }
    if (price == null) {
      throw new GovernorException(
          ErrorCode.MODEL_UNKNOWN,
          "model '" + model + "' is not in pricing catalogue version " + version,
          Map.of("field", "model", "pricing_version", version));
    }
    return price;
  }

  /** True if this catalogue prices {@code model}. */
  public boolean lists(String model) {
    return models.containsKey(model);
  }

  /** Exact cost of {@code usage} on {@code model}, rounded up to the micro-dollar. */
  public long cost(String model, TokenUsage usage) {
    try {
      return price(model).cost(usage);
    } catch (ArithmeticException overflow) {
      throw new GovernorException(
          ErrorCode.INVALID_AMOUNT, "the cost of this usage on " + model + " overflows");
    }
  }

  /** Worst-case cost of a call: all input tokens uncached, every allowed output token used. */
  public long estimate(String model, long inputTokens, long maxOutputTokens) {
    return cost(model, new TokenUsage(inputTokens, 0, maxOutputTokens));
  }
}
