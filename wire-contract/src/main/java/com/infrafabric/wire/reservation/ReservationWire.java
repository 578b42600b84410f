package com.infrafabric.wire.reservation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The reservation protocol between the chassis and the governor, declared once: the paths, the
 * request bodies the chassis sends and how it reads the governor's answers. The chassis's budget
 * client speaks through it; the contract suite in this module's test-jar holds every governor, the
 * real one and the chassis tests' fake, to it.
 *
 * <p>Every request is a {@code POST} with a JSON body, a bearer token and an {@value
 * #IDEMPOTENCY_HEADER} header: repeating one after a lost answer returns the first answer. A 402 is
 * a denial with the remaining budget of every layer that refused; a 404 or 409 means the
 * reservation is no longer active; anything else that is not a success is "unavailable". Stateless.
 */
public final class ReservationWire {

  /** Where reservations are made. */
  public static final String RESERVATIONS = "/v1/reservations";

  public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

  private ReservationWire() {}

  /** The path that commits a reservation. */
  public static String commitPath(String reservationId) {
    return action(reservationId, "commit");
  }

  /** The path that releases a reservation. */
  public static String releasePath(String reservationId) {
    return action(reservationId, "release");
  }

  /** The body of a reserve; the hold lasts at least one second. */
  public static JsonObject reserveBody(BudgetRequest request) {
    return new JsonObject()
        .put("scope", request.scope())
        .put("model", request.model())
        .put("input_tokens", request.inputTokens())
        .put("max_output_tokens", request.maxOutputTokens())
        .put("ttl_seconds", Math.max(1, request.ttl().toSeconds()));
  }

  /** The body of a commit: the tokens the call actually used. */
  public static JsonObject commitBody(String model, TokenUsage usage) {
    return new JsonObject()
        .put("model", model)
        .put("input_tokens", usage.inputTokens())
        .put("cached_input_tokens", usage.cachedInputTokens())
        .put("output_tokens", usage.outputTokens());
  }

  /** The body of a release. */
  public static JsonObject releaseBody() {
    return new JsonObject();
  }

  /** What the governor's answer to a reserve says. */
  public static ReserveResult reserved(int status, JsonObject body) {
    if (status == 200 || status == 201) {
      return new ReserveResult.Reserved(
          body.getString("reservation_id"),
          body.getLong("amount_micros"),
          remaining(body.getJsonObject("tightest")));
    }
    if (status == 402) {
      return new ReserveResult.Denied(
          body.getString("message", "the budget has no room"),
          tightestRemaining(body.getJsonObject("details", new JsonObject())));
    }
    return new ReserveResult.Unavailable(describe(status, body));
  }

  /** What the governor's answer to a commit says. */
  public static CommitResult committed(int status, JsonObject body) {
    if (status == 200) {
      return new CommitResult.Committed(
          body.getLong("actual_micros"), remaining(body.getJsonObject("tightest")));
    }
    if (status == 404 || status == 409) {
      return new CommitResult.Rejected(describe(status, body));
    }
    return new CommitResult.Unavailable(describe(status, body));
  }

  /** What the governor's answer to a release says: an ended reservation is released. */
  public static ReleaseResult released(int status, JsonObject body) {
    boolean ended = status == 200 || status == 404 || status == 409;
    return ended
        ? new ReleaseResult.Released()
        : new ReleaseResult.Unavailable(describe(status, body));
  }

  /** An answer as the chassis reports it: status, error code and message. */
  public static String describe(int status, JsonObject body) {
    return "the governor answered "
        + status
        + " "
        + body.getString("code", "")
        + ": "
        + body.getString("message", "");
  }

  /** The remaining budget of a layer; a scope without any cap has no limit to report. */
  private static long remaining(JsonObject tightest) {
    return tightest == null ? Long.MAX_VALUE : tightest.getLong("remaining_micros");
  }

  private static long tightestRemaining(JsonObject details) {
    JsonArray layers = details.getJsonArray("layers", new JsonArray());
    long least = Long.MAX_VALUE;
    for (int i = 0; i < layers.size(); i++) {
      least = Math.min(least, layers.getJsonObject(i).getLong("remaining_micros"));
    }
    return least == Long.MAX_VALUE ? 0 : least;
  }

  private static String action(String reservationId, String action) {
    return RESERVATIONS
        + '/'
        + URLEncoder.encode(reservationId, StandardCharsets.UTF_8)
        + '/'
        + action;
  }
}
