package com.infrafabric.governor.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class PricingCataloguesTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static Vertx vertx;
  private static RedisStore redis;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    redis = RedisStore.create(vertx, RedisSettings.of(REDIS.endpoint()), new SimpleMeterRegistry());
  }

  @AfterAll
  static void stop() {
    redis.close();
    Await.result(vertx.close());
  }

  @Test
  void versionsGoUpAndOtherNodesSeeTheNewOneOnRefresh() {
    PricingCatalogues writer = new PricingCatalogues(redis);
    PricingCatalogues reader = new PricingCatalogues(redis);
    PricingCatalogue first =
        Await.result(writer.replace(List.of(new ModelPrice("a", 1, 1, 1)), -1));
    Await.result(reader.refresh());
    assertThat(reader.get()).isEqualTo(first);

    PricingCatalogue second =
        Await.result(writer.replace(List.of(new ModelPrice("a", 2, 2, 2)), first.version()));
    assertThat(second.version()).isEqualTo(first.version() + 1);
    assertThat(reader.get().version()).isEqualTo(first.version());
    Await.result(reader.refresh());
    assertThat(reader.get().price("a").inputPerMillion()).isEqualTo(2);
  }

  @Test
  void aReplaceBasedOnAnOldVersionIsAConflict() {
    PricingCatalogues catalogues = new PricingCatalogues(redis);
    PricingCatalogue current =
        Await.result(catalogues.replace(List.of(new ModelPrice("b", 1, 1, 1)), -1));

    assertThatThrownBy(
            () ->
                Await.result(
                    catalogues.replace(
                        List.of(new ModelPrice("b", 9, 9, 9)), current.version() - 1)))
        .isInstanceOfSatisfying(
            GovernorException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.VERSION_CONFLICT));
    Await.result(catalogues.refresh());
    assertThat(catalogues.get().price("b").inputPerMillion()).isEqualTo(1);
  }

  @Test
  void anEmptyCatalogueIsRefusedAndTheCurrentOneStays() {
    PricingCatalogues catalogues = new PricingCatalogues(redis);
    PricingCatalogue current =
        Await.result(catalogues.replace(List.of(new ModelPrice("c", 1, 1, 1)), -1));

    assertThatThrownBy(() -> Await.result(catalogues.replace(List.of(), -1)))
        .isInstanceOfSatisfying(
            GovernorException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PRICING));
    assertThat(Await.result(catalogues.refresh()).version()).isEqualTo(current.version());
  }

  @Test
  void jsonEntriesAreValidatedFieldByField() {
    assertThatThrownBy(() -> PricingCatalogues.fromJson(new JsonArray("[{\"model\":\"x\"}]")))
        .hasMessage("models[0].input_per_million must be an integer (micro-dollars)");
    assertThatThrownBy(() -> PricingCatalogues.fromJson(new JsonArray("[42]")))
        .hasMessage("models[0] must be an object");
  }
}
