package com.infrafabric.governor.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.budget.CallLimits;
import com.infrafabric.governor.budget.Limit;
import com.infrafabric.governor.claim.TaskSpec;
import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.OpenApiOperations;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route the router serves is in the OpenAPI document, and nothing else is; the ranges it
 * documents are the ones the code enforces.
 */
@Timeout(60)
class OpenApiConsistencyTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir Path directory;

  @Test
  void theDocumentDescribesExactlyTheServedRoutes() {
    try (GovernorServiceRig rig =
        new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE)) {
      JsonObject document = new JsonObject(rig.http.get("/v1/openapi.json", rig.auditor()).body());
      assertThat(document.getString("openapi")).isEqualTo("3.1.0");
      assertThat(OpenApiOperations.documented(document))
          .isEqualTo(OpenApiOperations.served(rig.service.routes()));
    }
  }

  /**
   * A client generated from the document (and a fuzzer) learns each bound where the code keeps it:
   * every amount, token count, threshold list and policy field carries the code's own range.
   */
  @ParameterizedTest
  @MethodSource("ranges")
  void theDocumentedRangesAreTheEnforcedOnes(
      String schema, String property, String keyword, long bound) throws IOException {
    JsonObject schemas =
        new JsonObject(
                new String(
                    OpenApiConsistencyTest.class
                        .getResourceAsStream("/openapi/governor.json")
                        .readAllBytes(),
                    StandardCharsets.UTF_8))
            .getJsonObject("components")
            .getJsonObject("schemas");
    assertThat(
            schemas
                .getJsonObject(schema)
                .getJsonObject("properties")
                .getJsonObject(property)
                .getLong(keyword))
        .as(schema + "." + property + "." + keyword)
        .isEqualTo(bound);
  }

  static Stream<Arguments> ranges() {
    long day = TenantPolicy.MAX_DURATION.toMillis();
    long second = TenantPolicy.MIN_DURATION.toMillis();
    List<Arguments> ranges =
        new ArrayList<>(
            List.of(
                Arguments.of("Limit", "cap_micros", "maximum", Money.MAX_MICROS),
                Arguments.of("Limit", "thresholds_pct", "maxItems", (long) Limit.MAX_THRESHOLDS),
                Arguments.of("ClaimInput", "max_cost_micros", "minimum", 1L),
                Arguments.of("ClaimInput", "required", "maxItems", (long) TaskSpec.MAX_REQUIRED),
                Arguments.of(
                    "ClaimInput", "max_cost_micros", "maximum", CallLimits.DEFAULTS.maxMicros()),
                Arguments.of(
                    "ClaimInput", "max_agents", "maximum", (long) TenantPolicy.MAX_AGENTS_PER_TASK),
                Arguments.of("Policy", "max_cost_per_task_micros", "maximum", Money.MAX_MICROS),
                Arguments.of(
                    "Policy",
                    "max_agents_per_task",
                    "maximum",
                    (long) TenantPolicy.MAX_AGENTS_PER_TASK),
                Arguments.of(
                    "Policy",
                    "breaker_failures",
                    "maximum",
                    (long) TenantPolicy.MAX_BREAKER_FAILURES),
                Arguments.of("Policy", "breaker_cooldown_ms", "minimum", second),
                Arguments.of("Policy", "breaker_cooldown_ms", "maximum", day),
                Arguments.of("Policy", "lease_ttl_ms", "minimum", second),
                Arguments.of("Policy", "lease_ttl_ms", "maximum", day),
                Arguments.of(
                    "Policy", "downgrades", "maxItems", (long) TenantPolicy.MAX_DOWNGRADES),
                Arguments.of("ReserveInput", "ttl_seconds", "minimum", 1L),
                Arguments.of(
                    "ReserveInput",
                    "ttl_seconds",
                    "maximum",
                    BudgetSettings.DEFAULTS.maxReservationTtlSeconds()),
                Arguments.of("ReserveInput", "amount_micros", "minimum", 1L),
                Arguments.of("ChargeInput", "amount_micros", "minimum", 1L),
                Arguments.of("ActualInput", "amount_micros", "minimum", 0L),
                Arguments.of("FinishInput", "amount_micros", "minimum", 0L)));
    for (String schema : List.of("ReserveInput", "ActualInput", "ChargeInput", "FinishInput")) {
      ranges.add(Arguments.of(schema, "amount_micros", "maximum", CallLimits.DEFAULTS.maxMicros()));
      ranges.add(Arguments.of(schema, "input_tokens", "maximum", CallLimits.DEFAULTS.maxTokens()));
    }
    for (String schema : List.of("ActualInput", "ChargeInput", "FinishInput")) {
      ranges.add(Arguments.of(schema, "output_tokens", "maximum", CallLimits.DEFAULTS.maxTokens()));
      ranges.add(
          Arguments.of(schema, "cached_input_tokens", "maximum", CallLimits.DEFAULTS.maxTokens()));
    }
    ranges.add(
        Arguments.of(
            "ReserveInput", "max_output_tokens", "maximum", CallLimits.DEFAULTS.maxTokens()));
    return ranges.stream();
  }
}
