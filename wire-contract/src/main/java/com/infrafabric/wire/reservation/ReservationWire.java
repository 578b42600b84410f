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
 * a denial with the remaining budget of every layer that refused, and so is a 403 {@value
 * #GRANT_CAP_EXCEEDED} to a reserve, with what the grant's cost cap has left; to a commit it is a
 * refusal naming the most the reservation may be committed at ({@value #MAX_COMMIT_MICROS}), its
 * hold still standing; a 404 or 409 means the reservation is no longer active; anything else that
 * is not a success is "unavailable". Stateless.
 *
 * <p>The governor serves the same declaration: its routes, the request fields it reads and the
 * answer fields the chassis reads are these constants, so neither side spells a name of its own.
 */
public final class ReservationWire {

  /** Where reservations are made. */
  public static final String RESERVATIONS = "/v1/reservations";

  private static final String COMMIT = "commit";
  private static final String RELEASE = "release";

  /** The reservation id's path parameter in {@link #COMMIT_ROUTE} and {@link #RELEASE_ROUTE}. */
  public static final String ID_PARAM = "id";

  /** The commit path as a route, the reservation id being the path parameter {@value #ID_PARAM}. */
  public static final String COMMIT_ROUTE = route(COMMIT);

  /**
   * The release path as a route, the reservation id being the path parameter {@value #ID_PARAM}.
   */
  public static final String RELEASE_ROUTE = route(RELEASE);

  public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

  /** Request field: the scope the reservation is held on. */
  public static final String SCOPE = "scope";

  /** Request field: the model priced; with the token counts, the alternative to an amount. */
  public static final String MODEL = "model";

  public static final String INPUT_TOKENS = "input_tokens";
  public static final String CACHED_INPUT_TOKENS = "cached_input_tokens";
  public static final String OUTPUT_TOKENS = "output_tokens";
  public static final String MAX_OUTPUT_TOKENS = "max_output_tokens";

  /** Request field: how long the hold lasts, in seconds. */
  public static final String TTL_SECONDS = "ttl_seconds";

  /**
   * Request field: the grant token (the compact JWS the governor signed) the reservation spends
   * under. The chassis service must send the grant it verified for the invocation: the governor
   * checks its own signature, that the grant is neither expired nor revoked, that the scope lies
   * within the grant's budget scope, that the hold ends before the grant does and that the grant's
   * holds and spend stay within its cost cap.
   */
  public static final String GRANT = "grant";

  /**
   * Error code of a reserve or a commit refused because the grant's cost cap has too little left;
   * its details carry {@value #REMAINING_MICROS}, what the cap has left, and a commit's {@value
   * #MAX_COMMIT_MICROS} too.
   */
  public static final String GRANT_CAP_EXCEEDED = "GRANT_CAP_EXCEEDED";

  /** Request field of an amount instead of a model and tokens, and answer field of a reserve. */
  public static final String AMOUNT_MICROS = "amount_micros";

  /** Answer field: the id a commit or release names. */
  public static final String RESERVATION_ID = "reservation_id";

  /** Answer field of a commit: what the call cost. */
  public static final String ACTUAL_MICROS = "actual_micros";

  /** Answer field: every budget layer of the scope (in a denial, in its details). */
  public static final String LAYERS = "layers";

  /** Answer field: the layer with the least budget left, absent when no layer has a cap. */
  public static final String TIGHTEST = "tightest";

  /**
   * Answer field of a reserve (and detail of its denial): the cheaper model the tenant policy's
   * downgrade advises once a layer runs low; absent when it advises none.
   */
  public static final String ADVISED_MODEL = "advised_model";

  /** Field of a layer: what it has left. */
  public static final String REMAINING_MICROS = "remaining_micros";

  /**
   * Detail of a commit refused {@value #GRANT_CAP_EXCEEDED}: the most the reservation may be
   * committed at (its hold, while active, and what the grant's cost cap has left).
   */
  public static final String MAX_COMMIT_MICROS = "max_commit_micros";

  private ReservationWire() {}

  /**
   * What separates a reservation id's tenant from its random part ({@code <tenant>:r<hex>}): the
   * governor names reservations so, and the chassis reads the tenant back from them.
   */
  public static final char ID_TENANT_SEPARATOR = ':';

  /** The tenant part of a reservation id, or "" if it has none. */
  public static String tenantOf(String reservationId) {
    int separator = reservationId.lastIndexOf(ID_TENANT_SEPARATOR);
    return separator <= 0 ? "" : reservationId.substring(0, separator);
  }

  /** The path that commits a reservation. */
  public static String commitPath(String reservationId) {
    return action(reservationId, COMMIT);
  }

  /** The path that releases a reservation. */
  public static String releasePath(String reservationId) {
    return action(reservationId, RELEASE);
  }

  /** The body of a reserve; the hold lasts at least one second. */
  public static JsonObject reserveBody(BudgetRequest request) {
    JsonObject body =
        new JsonObject()
            .put(SCOPE, request.scope())
            .put(MODEL, request.model())
            .put(INPUT_TOKENS, request.inputTokens())
            .put(MAX_OUTPUT_TOKENS, request.maxOutputTokens())
            .put(TTL_SECONDS, Math.max(1, request.ttl().toSeconds()));
    request.grantToken().ifPresent(grant -> body.put(GRANT, grant));
    return body;
  }

  /** The body of a commit: the tokens the call actually used. */
  public static JsonObject commitBody(String model, TokenUsage usage) {
    return new JsonObject()
        .put(MODEL, model)
        .put(INPUT_TOKENS, usage.inputTokens())
        .put(CACHED_INPUT_TOKENS, usage.cachedInputTokens())
        .put(OUTPUT_TOKENS, usage.outputTokens());
  }

  /** The body of a release. */
  public static JsonObject releaseBody() {
    return new JsonObject();
  }

  /** What the governor's answer to a reserve says. */
  public static ReserveResult reserved(int status, JsonObject body) {
    if (status == 200 || status == 201) {
      return new ReserveResult.Reserved(
          body.getString(RESERVATION_ID),
          body.getLong(AMOUNT_MICROS),
          remaining(body.getJsonObject(TIGHTEST)));
    }
    if (status == 402) {
      return new ReserveResult.Denied(
          body.getString("message", "the budget has no room"),
          tightestRemaining(body.getJsonObject("details", new JsonObject())));
    }
    if (status == 403 && GRANT_CAP_EXCEEDED.equals(body.getString("code"))) {
      return new ReserveResult.Denied(
          body.getString("message", "the grant's cost cap has no room"),
          body.getJsonObject("details", new JsonObject()).getLong(REMAINING_MICROS, 0L));
    }
    return new ReserveResult.Unavailable(describe(status, body));
  }

  /** What the governor's answer to a commit says. */
  public static CommitResult committed(int status, JsonObject body) {
    if (status == 200) {
      return new CommitResult.Committed(
          body.getLong(ACTUAL_MICROS), remaining(body.getJsonObject(TIGHTEST)));
    }
    if (status == 404 || status == 409) {
      return new CommitResult.Rejected(describe(status, body));
    }
    if (status == 403 && GRANT_CAP_EXCEEDED.equals(body.getString("code"))) {
      return new CommitResult.Capped(
          body.getJsonObject("details", new JsonObject()).getLong(MAX_COMMIT_MICROS, 0L),
          describe(status, body));
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
    return tightest == null ? Long.MAX_VALUE : tightest.getLong(REMAINING_MICROS);
  }

  private static long tightestRemaining(JsonObject details) {
    JsonArray layers = details.getJsonArray(LAYERS, new JsonArray());
    long least = Long.MAX_VALUE;
    for (int i = 0; i < layers.size(); i++) {
      least = Math.min(least, layers.getJsonObject(i).getLong(REMAINING_MICROS));
    }
    return least == Long.MAX_VALUE ? 0 : least;
  }

  private static String route(String action) {
    return RESERVATIONS + "/:" + ID_PARAM + '/' + action;
  }

  private static String action(String reservationId, String action) {
    return RESERVATIONS
        + '/'
        + URLEncoder.encode(reservationId, StandardCharsets.UTF_8)
        + '/'
        + action;
  }
}
