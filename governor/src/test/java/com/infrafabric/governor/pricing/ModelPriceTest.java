package com.infrafabric.governor.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.TokenUsage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelPriceTest {

  private static final ModelPrice MINI = new ModelPrice("mini", 150_000, 75_000, 600_000);

  @Test
  void costIsExactWhenItFallsOnAWholeMicroDollar() {
    // 1M input at $0.15 + 1M output at $0.60 = $0.75
    assertThat(MINI.cost(new TokenUsage(1_000_000, 0, 1_000_000))).isEqualTo(750_000);
    assertThat(MINI.cost(new TokenUsage(20, 0, 5))).isEqualTo(6); // 3.0 + 3.0
  }

  @Test
  void fractionsOfAMicroDollarRoundUpSoACallThatCostsAnythingNeverRecordsZero() {
    assertThat(MINI.cost(new TokenUsage(1, 0, 0))).isEqualTo(1); // 0.15 micro-dollars
    assertThat(MINI.cost(new TokenUsage(7, 0, 0))).isEqualTo(2); // 1.05
    assertThat(MINI.cost(new TokenUsage(0, 3, 0))).isEqualTo(1); // 0.225
    assertThat(MINI.cost(TokenUsage.NONE)).isZero();
  }

  @Test
  void cachedTokensUseTheirOwnPrice() {
    // 1000 * 0.15 + 1000 * 0.075 + 10 * 0.6 = 150 + 75 + 6
    assertThat(MINI.cost(new TokenUsage(1_000, 1_000, 10))).isEqualTo(231);
  }

  @Test
  void theLargestPricesAndTokenCountsDoNotOverflow() {
    ModelPrice dearest =
        new ModelPrice(
            "dear",
            ModelPrice.MAX_PRICE_PER_MILLION,
            ModelPrice.MAX_PRICE_PER_MILLION,
            ModelPrice.MAX_PRICE_PER_MILLION);
    long max = TokenUsage.MAX_TOKENS;
    assertThat(dearest.cost(new TokenUsage(max, max, max))).isEqualTo(6_000_000_000_000L);
  }

  @Test
  void negativeOrAbsurdPricesAreRefusedWithTheFieldNamed() {
    assertThatThrownBy(() -> new ModelPrice("m", -1, 0, 0))
        .isInstanceOfSatisfying(
            GovernorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PRICING))
        .hasMessage("m input_per_million -1 is outside 0..2000000000");
    assertThatThrownBy(() -> new ModelPrice("bad model", 1, 1, 1))
        .hasMessageContaining("model name");
  }

  @Test
  void theCatalogueEstimatesTheWorstCaseAndRefusesUnknownModels() {
    PricingCatalogue catalogue = PricingCatalogue.of(3, List.of(MINI));
    assertThat(catalogue.estimate("mini", 1_000, 500)).isEqualTo(450); // 150 + 300
    assertThatThrownBy(() -> catalogue.cost("maxi", TokenUsage.NONE))
        .hasMessage("model 'maxi' is not in pricing catalogue version 3");
    assertThatThrownBy(() -> PricingCatalogue.of(1, List.of(MINI, MINI)))
        .hasMessage("model mini is listed twice");
  }
}
