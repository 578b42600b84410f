package com.infrafabric.governor.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.budget.CallLimits;
import com.infrafabric.governor.budget.Limit;
import com.infrafabric.governor.claim.TaskSpec;
import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.testing.OpenApiOperations;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
   * Regression: an operation could answer a status its responses do not list: finishLease's request
   * schema said an amount past its bound is 422 {@code INVALID_AMOUNT}, and the route answers so
   * (and 422 {@code MODEL_UNKNOWN}), but the operation listed no 422; claimTask listed {@code
   * INVALID_CAPABILITY} under 422, which the route answers with 400. Every error code an operation
   * names (in its own text, its parameters' and its request body's, as "422 INVALID_AMOUNT" or by
   * name alone) must be answered with a status the operation lists, the one the governor maps that
   * code to ({@link GovernorErrors}); and a code named under a status must be one the governor
   * answers with that status.
   */
  @Test
  void everyErrorCodeAnOperationNamesIsAnsweredWithAStatusItLists() throws IOException {
    JsonObject document = document();
    List<String> wrong = new ArrayList<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!method.equals("parameters")) {
          wrong.addAll(misdocumented(document, item, item.getJsonObject(method)));
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  private static final Pattern CODE =
      Pattern.compile("\\b(?:([45]\\d\\d) )?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\\b");

  /** What {@code operation} says it answers that its responses do not list, or list elsewhere. */
  private static List<String> misdocumented(
      JsonObject document, JsonObject item, JsonObject operation) {
    String id = operation.getString("operationId");
    JsonObject responses = operation.getJsonObject("responses");
    List<String> wrong = new ArrayList<>();
    List<String> said = new ArrayList<>();
    descriptions(document, item.getValue("parameters"), Set.of(), said);
    for (String field : operation.fieldNames()) {
      if (!field.equals("responses")) {
        descriptions(document, operation.getValue(field), Set.of(), said);
      }
    }
    for (String text : said) {
      Matcher named = CODE.matcher(text);
      while (named.find()) {
        String status = named.group(1) != null ? named.group(1) : statusOf(named.group(2));
        if (status != null && !responses.containsKey(status)) {
          wrong.add(id + " names " + named.group() + " but lists no " + status);
        }
      }
    }
    for (String status : responses.fieldNames()) {
      List<String> under = new ArrayList<>();
      descriptions(document, responses.getValue(status), Set.of(), under);
      for (String text : under) {
        Matcher named = CODE.matcher(text);
        while (named.find()) {
          String answered = statusOf(named.group(2));
          if (answered != null && !answered.equals(status)) {
            wrong.add(
                id + " lists " + named.group(2) + " under " + status + ", answered " + answered);
          }
        }
      }
    }
    return wrong;
  }

  /** The status the governor answers {@code code} with, or null if it is none of its codes. */
  private static String statusOf(String code) {
    for (ErrorCode known : ErrorCode.values()) {
      if (known.name().equals(code)) {
        Throwable answer = GovernorErrors.translate(new GovernorException(known, code));
        return Integer.toString(((ApiException) answer).code().status());
      }
    }
    return null;
  }

  /** Adds every description and summary in {@code node}, following {@code $ref}s once each. */
  private static void descriptions(
      JsonObject document, Object node, Set<String> followed, List<String> out) {
    if (node instanceof JsonObject object) {
      String ref = object.getString("$ref");
      if (ref != null && !followed.contains(ref)) {
        Set<String> now = new HashSet<>(followed);
        now.add(ref);
        descriptions(document, referenced(document, ref), now, out);
      }
      for (String field : object.fieldNames()) {
        Object value = object.getValue(field);
        if ((field.equals("description") || field.equals("summary"))
            && value instanceof String text) {
          out.add(text);
        } else {
          descriptions(document, value, followed, out);
        }
      }
    } else if (node instanceof JsonArray array) {
      array.forEach(value -> descriptions(document, value, followed, out));
    }
  }

  private static JsonObject referenced(JsonObject document, String ref) {
    JsonObject target = document;
    for (String segment : ref.substring("#/".length()).split("/")) {
      target = target.getJsonObject(segment);
    }
    return target;
  }

  private static JsonObject document() throws IOException {
    return new JsonObject(
        new String(
            OpenApiConsistencyTest.class
                .getResourceAsStream("/openapi/governor.json")
                .readAllBytes(),
            StandardCharsets.UTF_8));
  }

  /**
   * A client generated from the document (and a fuzzer) learns each bound where the code keeps it:
   * every amount, token count, threshold list and policy field carries the code's own range.
   */
  @ParameterizedTest
  @MethodSource("ranges")
  void theDocumentedRangesAreTheEnforcedOnes(
      String schema, String property, String keyword, long bound) throws IOException {
    JsonObject schemas = document().getJsonObject("components").getJsonObject("schemas");
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
