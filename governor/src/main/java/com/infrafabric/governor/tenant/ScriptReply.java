package com.infrafabric.governor.tenant;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A budget script's answer: a kind ({@code ok}, {@code replay}, {@code denied}, ...) and a JSON
 * payload whose numbers are decimal strings, plus the windows the call was made in. Public so that
 * scripts run through {@link TenantScripts} are read the same way as the budget's own.
 */
public record ScriptReply(String kind, String payload, CalendarWindows windows) {

  /** The scripts' counter names ({@code beyond()} in budget_lib.lua) as the API names them. */
  private static final Map<String, String> COUNTER_FIELDS =
      Map.of(
          "spent", "spent_micros",
          "reserved", "reserved_micros",
          "spent+reserved", "spent_plus_reserved_micros",
          "tin", "input_tokens",
          "tcin", "cached_input_tokens",
          "tout", "output_tokens");

  /**
   * The fields of one layer in a reply, in the order of the JSON array that carries them ({@code
   * encode_limits()} in budget_lib.lua writes each layer so, reading the positions from the Lua
   * table {@code LAYER} that {@link #layerIndexes()} generates from this list): an array is about
   * half the size of an object with the same values, and a reply is kept as an idempotency record.
   */
  static final List<String> LAYER_FIELDS = List.of("scope", "window", "cap", "spent", "reserved");

  /** The Lua table {@code LAYER}: the position of each of {@link #LAYER_FIELDS}, by name. */
  static String layerIndexes() {
    StringJoiner fields = new StringJoiner(", ", "local LAYER = {", "}\n");
    for (int i = 0; i < LAYER_FIELDS.size(); i++) {
      fields.add(LAYER_FIELDS.get(i) + " = " + (i + 1));
    }
    return fields.toString();
  }

  private static final int SCOPE_AT = LAYER_FIELDS.indexOf("scope");
  private static final int WINDOW_AT = LAYER_FIELDS.indexOf("window");
  private static final int CAP_AT = LAYER_FIELDS.indexOf("cap");
  private static final int SPENT_AT = LAYER_FIELDS.indexOf("spent");
  private static final int RESERVED_AT = LAYER_FIELDS.indexOf("reserved");

  /**
   * The layers a reply lists under {@code field}, each with the moment its window resets. A reply
   * lists each scope once per capped window, one after the other, so a scope is parsed once for all
   * its windows rather than once per layer.
   */
  public List<LayerStatus> layers(JsonObject body, String field) {
    List<LayerStatus> layers = new ArrayList<>();
    if (!(body.getValue(field) instanceof JsonArray list)) {
      return layers; // cjson writes an empty list as {}
    }
    String path = null;
    Scope scope = null;
    for (int i = 0; i < list.size(); i++) {
      JsonArray layer = list.getJsonArray(i);
      if (!layer.getString(SCOPE_AT).equals(path)) {
        path = layer.getString(SCOPE_AT);
        scope = Scope.parse(path);
      }
      Window window = Window.fromWireName(layer.getString(WINDOW_AT));
      layers.add(
          new LayerStatus(
              scope,
              window,
              Long.parseLong(layer.getString(CAP_AT)),
              Long.parseLong(layer.getString(SPENT_AT)),
              Long.parseLong(layer.getString(RESERVED_AT)),
              windows.resetsAt(window)));
    }
    return layers;
  }

  static ScriptReply of(Response response, CalendarWindows windows) {
    return new ScriptReply(response.get(0).toString(), response.get(1).toString(), windows);
  }

  public boolean replayed() {
    return "replay".equals(kind);
  }

  public JsonObject body() {
    return new JsonObject(payload);
  }

  /**
   * Throws the error of a refusal any script may answer (a reused idempotency key, a scope without
   * a budget, a counter at its maximum, one scope more than the tenant may count, the tenant's
   * write quota spent for the hour); returns this reply otherwise. Each error names what it refuses
   * from the reply itself, not from the caller: only the script knows which scope a reservation's
   * or a lease's call looked up.
   */
  public ScriptReply orThrow() {
    switch (kind) {
      case "conflict" ->
          throw new GovernorException(
              ErrorCode.IDEMPOTENCY_CONFLICT,
              "this idempotency key was already used for a different request");
      case "unknown_tenant", "unknown_scope" ->
          throw new GovernorException(
              ErrorCode.SCOPE_UNKNOWN,
              "no budget is defined on " + payload + " or any of its ancestors",
              Map.of("scope", payload));
      case "counter_limit" -> throw counterLimit(body());
      case "reprice" ->
          throw new IllegalStateException(
              "a spend priced for its reservation's catalogue version was sent back to version "
                  + payload);
      case "scope_limit" -> throw scopeLimit(body());
      case "write_quota" -> throw writeQuota(body());
      default -> {
        return this;
      }
    }
  }

  /**
   * As {@link #orThrow()}, and throws the refusals of a call on {@code reservation} (not found, not
   * active, held by a lease or by another holder); typed so that no other id can be named as the
   * reservation.
   */
  public ScriptReply orThrow(ReservationId reservation) {
    switch (kind) {
      case "not_found" ->
          throw new GovernorException(
              ErrorCode.RESERVATION_NOT_FOUND, "reservation " + reservation + " does not exist");
      case "not_active" ->
          throw new GovernorException(
              ErrorCode.RESERVATION_NOT_ACTIVE,
              "reservation " + reservation + " is already " + payload,
              Map.of("state", payload));
      case "held_by_lease" ->
          throw new GovernorException(
              ErrorCode.RESERVATION_HELD_BY_LEASE,
              "reservation "
                  + reservation
                  + " is the hold of lease "
                  + payload
                  + "; its holder settles it with the lease's finish",
              Map.of("lease", payload));
      case "held_by_another" ->
          throw new GovernorException(
              ErrorCode.RESERVATION_HELD_BY_ANOTHER,
              "reservation "
                  + reservation
                  + " is held by another principal; only its holder commits or releases it,"
                  + " and otherwise its expiry ends it (a service's hold is then charged in full)");
      default -> {
        return orThrow();
      }
    }
  }

  /**
   * One scope more than the tenant may count, or than a subtree the scope lies in may: a subtree
   * holds at most half of its parent's share ({@code subtree_share()} in budget_lib.lua), so a
   * principal confined to it cannot take the rest of the tenant's.
   */
  private static GovernorException scopeLimit(JsonObject over) {
    String scope = over.getString("scope");
    String subtree = over.getString("subtree");
    long max = Long.parseLong(over.getString("max"));
    long tenantMax = Long.parseLong(over.getString("tenant_max"));
    boolean tenant = !subtree.contains("/");
    String holder =
        tenant
            ? "the tenant already holds usage counters or budgets for " + max + " scopes"
            : "the subtree "
                + subtree
                + " already holds usage counters or budgets for "
                + max
                + " scopes, its share of the tenant's "
                + tenantMax
                + " (each subtree may hold half of its parent's share)";
    return new GovernorException(
        ErrorCode.SCOPE_LIMIT,
        holder
            + ", and "
            + scope
            + " would be one more; nothing was recorded. Spend on a scope that already has"
            + " counters, or ask the operator to raise budget.maxScopes",
        Map.of("scope", scope, "subtree", subtree, "max", max));
  }

  /**
   * The tenant's write quota has no room for this request's records ({@link RecordCharge}) in the
   * current hour: every principal of the tenant shares it, and it renews when the hour ends.
   */
  private static GovernorException writeQuota(JsonObject quota) {
    return new GovernorException(
        ErrorCode.TENANT_WRITE_QUOTA,
        "this tenant's requests have been charged "
            + quota.getString("used")
            + " of the "
            + quota.getString("max")
            + " records they may leave in the shared store this hour, and this one would be"
            + " charged "
            + quota.getString("records")
            + " more; nothing was recorded. Retry when the hour ends (Retry-After), or ask the"
            + " operator to raise budget.tenantRecordsPerHour",
        Duration.ofMillis(Long.parseLong(quota.getString("retry_after_ms"))));
  }

  private static GovernorException counterLimit(JsonObject over) {
    String counter = COUNTER_FIELDS.getOrDefault(over.getString("counter"), "unknown");
    return new GovernorException(
        ErrorCode.COUNTER_LIMIT,
        "this operation would take "
            + counter
            + " of "
            + over.getString("scope")
            + " in its "
            + over.getString("window")
            + " window ("
            + over.getString("window_id")
            + ") past the maximum of "
            + over.getString("max")
            + "; nothing was recorded. "
            + untilWhen(over.getString("window")),
        Map.of(
            "scope", over.getString("scope"),
            "window", over.getString("window"),
            "window_id", over.getString("window_id"),
            "counter", counter,
            "max", Long.parseLong(over.getString("max")),
            "permanent", Window.fromWireName(over.getString("window")) == Window.LIFETIME));
  }

  /**
   * How long a saturated counter refuses: a caller must learn whether waiting helps, since no
   * request lowers a counter (spend is history) and a lifetime window never rolls over.
   */
  private static String untilWhen(String window) {
    if (Window.fromWireName(window) == Window.LIFETIME) {
      return "A lifetime counter never rolls over and no request lowers it: no caller can undo"
          + " this; an operator must.";
    }
    return "This counter starts again when its " + window + " window rolls over.";
  }

  /** The refusals of a {@code hold()} or a charge, as the scripts list them. */
  public static List<Refusal> refusals(Object json) {
    List<Refusal> refusals = new ArrayList<>();
    for (JsonObject entry : objects(json)) {
      refusals.add(
          new Refusal(
              Scope.parse(entry.getString("scope")),
              Window.fromWireName(entry.getString("window")),
              Long.parseLong(entry.getString("shortfall"))));
    }
    return refusals;
  }

  /** Lua's cjson writes an empty table as {@code {}}, so an absent list may be an empty object. */
  public static List<JsonObject> objects(Object json) {
    if (!(json instanceof JsonArray array)) {
      return List.of();
    }
    List<JsonObject> objects = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      objects.add(array.getJsonObject(i));
    }
    return objects;
  }
}
