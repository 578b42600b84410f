package com.infrafabric.governor.policy;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.pricing.ModelPrice;
import com.infrafabric.governor.pricing.PricingCatalogue;
import com.infrafabric.governor.tenant.LayerStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Advice a tenant policy gives on reservations for {@code fromModel}: once any budgeted layer has
 * less than {@code belowRemainingPercent} of its cap left, use {@code toModel} instead (a small
 * model rather than a large one), so work goes on longer on what is left. Advice only: the
 * reservation is decided as requested.
 *
 * <p>A refusal names the field at fault in {@code details.field}: for advice a request gives, the
 * entry's own field as the request names it ({@link #requested}); otherwise the policy's {@code
 * downgrades}.
 *
 * <p>The policy stores it in its hash as field {@link #policyField()} with value {@link
 * #policyValue()}; {@code reserve.lua} reads that field for the model it reserves for.
 *
 * @param fromModel the model the advice is about
 * @param toModel the cheaper model to use instead
 * @param belowRemainingPercent 1..99: advise when remaining &lt; this percent of the cap
 */
public record ModelDowngrade(String fromModel, String toModel, int belowRemainingPercent) {

  /** The fields of one entry of a policy's {@code downgrades}, as the wire names them. */
  public static final String FROM_MODEL = "from_model";

  public static final String TO_MODEL = "to_model";
  public static final String BELOW_REMAINING_PCT = "below_remaining_pct";

  private static final UnaryOperator<String> WHOLE_LIST = field -> "downgrades";

  public ModelDowngrade {
    check(fromModel, toModel, belowRemainingPercent, WHOLE_LIST);
  }

  /**
   * The advice an entry of a request gives; {@code fieldName} turns an entry's field ({@link
   * #TO_MODEL}) into its full name in the request ({@code downgrades[2].to_model}), which a refusal
   * names.
   */
  public static ModelDowngrade requested(
      UnaryOperator<String> fieldName,
      String fromModel,
      String toModel,
      int belowRemainingPercent) {
    check(fromModel, toModel, belowRemainingPercent, fieldName);
    return new ModelDowngrade(fromModel, toModel, belowRemainingPercent);
  }

  /**
   * Refuses the advice unless both models are in {@code catalogue} and {@link #toModel} costs no
   * more than {@link #fromModel} for any kind of token: a downgrade to a model nobody prices, or to
   * a dearer one, would be followed into spend no reservation priced for the model asked for
   * covered. The refusal names {@code field}, the request's name of the entry's {@link #TO_MODEL}.
   */
  public void requireAffordableIn(PricingCatalogue catalogue, String field) {
    ModelPrice from = catalogue.models().get(fromModel);
    ModelPrice to = catalogue.models().get(toModel);
    if (from == null || to == null || !to.noDearerThan(from)) {
      throw invalid(
          field,
          "downgrade of "
              + fromModel
              + " to "
              + toModel
              + ": both must be in pricing catalogue version "
              + catalogue.version()
              + " and "
              + toModel
              + " must cost no more than "
              + fromModel
              + " for input, cached input and output tokens");
    }
  }

  /** The model to use instead, if the tightest of {@code layers} is below the threshold. */
  public Optional<String> advise(List<LayerStatus> layers) {
    for (LayerStatus layer : layers) {
      if (layer.remainingMicros() * 100 < (long) belowRemainingPercent * layer.capMicros()) {
        return Optional.of(toModel);
      }
    }
    return Optional.empty();
  }

  /** The field of the tenant policy hash that holds this advice. */
  public String policyField() {
    return "dg:" + fromModel;
  }

  /** The value stored in {@link #policyField()}: {@code <toModel>;<percent>}. */
  public String policyValue() {
    return toModel + ';' + belowRemainingPercent;
  }

  /** Reads a stored {@link #policyValue()}; empty for an empty value (no advice for the model). */
  public static Optional<ModelDowngrade> parse(String fromModel, String policyValue) {
    if (policyValue == null || policyValue.isEmpty()) {
      return Optional.empty();
    }
    int separator = policyValue.lastIndexOf(';');
    return Optional.of(
        new ModelDowngrade(
            fromModel,
            policyValue.substring(0, separator),
            Integer.parseInt(policyValue.substring(separator + 1))));
  }

  private static void check(
      String fromModel, String toModel, int belowRemainingPercent, UnaryOperator<String> field) {
    requireModel(field.apply(FROM_MODEL), "from", fromModel);
    requireModel(field.apply(TO_MODEL), "to", toModel);
    if (fromModel.equals(toModel)) {
      throw invalid(
          field.apply(TO_MODEL), "downgrade of " + fromModel + " must name another model");
    }
    if (belowRemainingPercent < 1 || belowRemainingPercent > 99) {
      throw invalid(
          field.apply(BELOW_REMAINING_PCT),
          "downgrade of "
              + fromModel
              + ": remaining percent "
              + belowRemainingPercent
              + " is outside 1..99");
    }
  }

  private static void requireModel(String field, String which, String model) {
    if (!ModelPrice.isValidName(model)) {
      throw invalid(
          field, "downgrade " + which + " model must be a model name of 1-128 characters");
    }
  }

  private static GovernorException invalid(String field, String why) {
    return new GovernorException(ErrorCode.INVALID_POLICY, why, Map.of("field", field));
  }
}
