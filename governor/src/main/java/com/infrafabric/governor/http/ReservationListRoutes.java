package com.infrafabric.governor.http;

import static com.infrafabric.governor.http.CallerScope.ADMIN;
import static com.infrafabric.governor.http.CallerScope.AUDITOR;
import static com.infrafabric.platform.http.Responses.respond;
import static com.infrafabric.wire.reservation.ReservationWire.ACTUAL_MICROS;
import static com.infrafabric.wire.reservation.ReservationWire.AMOUNT_MICROS;
import static com.infrafabric.wire.reservation.ReservationWire.MODEL;
import static com.infrafabric.wire.reservation.ReservationWire.RESERVATIONS;
import static com.infrafabric.wire.reservation.ReservationWire.RESERVATION_ID;
import static com.infrafabric.wire.reservation.ReservationWire.SCOPE;

import com.infrafabric.governor.budget.ReservationFilter;
import com.infrafabric.governor.budget.ReservationPage;
import com.infrafabric.governor.budget.ReservationRecord;
import com.infrafabric.governor.budget.Reservations;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.http.Fields;
import com.infrafabric.platform.http.Requests;
import com.infrafabric.platform.http.Routes;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@code GET /v1/reservations?scope=S&state=open|finished|any&cursor=C&limit=N}: the reservation
 * records of S (default: the caller's subtree) and below, for admins and auditors of the subtree,
 * page by page as {@link Reservations} finds them.
 */
final class ReservationListRoutes {

  private static final int DEFAULT_PAGE = 100;

  private final Reservations reservations;

  ReservationListRoutes(Reservations reservations) {
    this.reservations = reservations;
  }

  void register(Routes routes) {
    routes.get(RESERVATIONS, Access.tenant(ADMIN, AUDITOR), this::list);
  }

  private void list(RoutingContext ctx) {
    Principal caller = Requests.principal(ctx);
    MultiMap query = ctx.queryParams();
    String scope = query.get("scope");
    Scope within =
        scope == null
            ? CallerScope.subtree(caller)
            : CallerScope.requireWithin(caller, Scope.parse(scope));
    String limit = query.get("limit");
    int size =
        limit == null
            ? DEFAULT_PAGE
            : (int) Fields.decimal("limit", limit, 1, Reservations.MAX_PAGE_SIZE);
    respond(
        ctx,
        200,
        reservations.list(within, filter(query.get("state")), cursor(query.get("cursor")), size),
        ReservationListRoutes::page);
  }

  private static Optional<String> cursor(String cursor) {
    if (cursor != null && !Reservations.isCursor(cursor)) {
      throw Fields.malformed("cursor", "is not a next_cursor of this listing");
    }
    return Optional.ofNullable(cursor);
  }

  private static ReservationFilter filter(String state) {
    if (state == null) {
      return ReservationFilter.ANY;
    }
    return Arrays.stream(ReservationFilter.values())
        .filter(filter -> filter.wireName().equals(state))
        .findFirst()
        .orElseThrow(() -> Fields.malformed("state", "must be open, finished or any"));
  }

  private static JsonObject page(ReservationPage page) {
    return new JsonObject()
        .put(
            "reservations",
            new JsonArray(
                page.reservations().stream().map(ReservationListRoutes::reservation).toList()))
        .put("next_cursor", page.nextCursor().orElse(null));
  }

  private static JsonObject reservation(ReservationRecord record) {
    return new JsonObject()
        .put(RESERVATION_ID, record.id().toString())
        .put(SCOPE, record.scope().path())
        .put("state", record.state().wireName())
        .put(AMOUNT_MICROS, record.amountMicros())
        .put(
            ACTUAL_MICROS,
            record.actualMicros().isPresent() ? record.actualMicros().getAsLong() : null)
        .put(MODEL, record.model())
        .put("created_at", record.createdAt().toString())
        .put("expires_at", record.expiresAt().toString())
        .put("ended_at", record.endedAt().map(Object::toString).orElse(null));
  }
}
