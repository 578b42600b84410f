package com.infrafabric.chassis.testing;

import static com.infrafabric.wire.reservation.ReservationWire.ACTUAL_MICROS;
import static com.infrafabric.wire.reservation.ReservationWire.AMOUNT_MICROS;
import static com.infrafabric.wire.reservation.ReservationWire.CACHED_INPUT_TOKENS;
import static com.infrafabric.wire.reservation.ReservationWire.GRANT_CAP_EXCEEDED;
import static com.infrafabric.wire.reservation.ReservationWire.IDEMPOTENCY_HEADER;
import static com.infrafabric.wire.reservation.ReservationWire.INPUT_TOKENS;
import static com.infrafabric.wire.reservation.ReservationWire.LAYERS;
import static com.infrafabric.wire.reservation.ReservationWire.MAX_COMMIT_MICROS;
import static com.infrafabric.wire.reservation.ReservationWire.MAX_OUTPUT_TOKENS;
import static com.infrafabric.wire.reservation.ReservationWire.MODEL;
import static com.infrafabric.wire.reservation.ReservationWire.OUTPUT_TOKENS;
import static com.infrafabric.wire.reservation.ReservationWire.REMAINING_MICROS;
import static com.infrafabric.wire.reservation.ReservationWire.RESERVATIONS;
import static com.infrafabric.wire.reservation.ReservationWire.RESERVATION_ID;
import static com.infrafabric.wire.reservation.ReservationWire.SCOPE;
import static com.infrafabric.wire.reservation.ReservationWire.TIGHTEST;

import com.infrafabric.platform.http.Requests;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The governor's reservations API on loopback, small enough to read: one budget with a cap, a flat
 * price per token, reserve / commit / release with idempotency keys, and every change under one
 * lock, so it enforces its cap atomically the way the real one does in Lua. It can also misbehave:
 * answer 503, or never answer. Tests assert on what it holds: spent, held, active reservations.
 */
public final class FakeGovernor implements AutoCloseable {

  /** Micro-dollars per input token and per output token. */
  public static final long PRICE_PER_TOKEN = 10;

  /** How the governor answers. */
  public enum Mode {
    HONEST,
    UNAVAILABLE,
    SILENT,
    /** Applies the next request, then answers it 503 {@code OUTCOME_UNKNOWN}; honest after. */
    LOSES_NEXT_ANSWER,
    /**
     * Refuses the next commit 403 {@code GRANT_CAP_EXCEEDED}, as a governor whose grant's cost cap
     * it would pass, naming the hold as the most it may commit; the hold stands. Honest after.
     */
    CAPS_NEXT_COMMIT
  }

  private final Vertx vertx;
  private final HttpServer server;
  private long capMicros;
  private final Map<String, Long> active = new HashMap<>();
  private final Map<String, JsonObject> replies = new HashMap<>();
  private final AtomicInteger reserves = new AtomicInteger();
  private long spent;
  private JsonObject lastReserve = new JsonObject();
  private final List<String> actingTenants = new ArrayList<>();
  private volatile Mode mode = Mode.HONEST;

  private FakeGovernor(long capMicros) {
    this.capMicros = capMicros;
    this.vertx = Vertx.vertx();
    this.server =
        vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").await();
  }

  public static FakeGovernor start(long capMicros) {
    return new FakeGovernor(capMicros);
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Forgets every reservation, spend and stored answer, and sets a new cap. */
  public synchronized void reset(long capMicros) {
    this.capMicros = capMicros;
    active.clear();
    replies.clear();
    spent = 0;
    reserves.set(0);
    mode = Mode.HONEST;
  }

  public void mode(Mode mode) {
    this.mode = mode;
  }

  public synchronized long spentMicros() {
    return spent;
  }

  public synchronized long heldMicros() {
    return active.values().stream().mapToLong(Long::longValue).sum();
  }

  public synchronized int activeReservations() {
    return active.size();
  }

  /** Reservations answered (replays included). */
  public int reserveCalls() {
    return reserves.get();
  }

  /** The body of the last reservation asked for, or an empty object before the first. */
  public synchronized JsonObject lastReserve() {
    return lastReserve.copy();
  }

  /** The tenant each request named in {@link Requests#ACTING_TENANT} (null: none), in order. */
  public synchronized List<String> actingTenants() {
    return new ArrayList<>(actingTenants);
  }

  private void handle(HttpServerRequest request) {
    synchronized (this) {
      actingTenants.add(request.getHeader(Requests.ACTING_TENANT));
    }
    if (mode == Mode.SILENT) {
      return;
    }
    if (mode == Mode.UNAVAILABLE) {
      request.response().setStatusCode(503).end("{\"code\":\"STORE_UNAVAILABLE\"}");
      return;
    }
    String key = request.getHeader(IDEMPOTENCY_HEADER);
    request
        .body()
        .onSuccess(
            body -> {
              JsonObject input = body.length() == 0 ? new JsonObject() : body.toJsonObject();
              JsonObject reply = answer(request.path(), key, input);
              if (mode == Mode.LOSES_NEXT_ANSWER) {
                mode = Mode.HONEST;
                request.response().setStatusCode(503).end("{\"code\":\"OUTCOME_UNKNOWN\"}");
                return;
              }
              request
                  .response()
                  .setStatusCode(reply.getInteger("status"))
                  .putHeader("content-type", "application/json")
                  .end(reply.getJsonObject("body").encode());
            });
  }

  private synchronized JsonObject answer(String path, String key, JsonObject input) {
    String replayKey = path + ' ' + key;
    JsonObject earlier = replies.get(replayKey);
    if (earlier != null) {
      return earlier;
    }
    JsonObject reply;
    if (path.equals(RESERVATIONS)) {
      reserves.incrementAndGet();
      lastReserve = input;
      reply = reserve(input);
    } else if (path.endsWith("/commit") && mode == Mode.CAPS_NEXT_COMMIT) {
      mode = Mode.HONEST;
      reply = capped(id(path));
    } else if (path.endsWith("/commit")) {
      reply = commit(id(path), input);
    } else {
      reply = release(id(path));
    }
    if (reply.getInteger("status") < 400) {
      replies.put(replayKey, reply);
    }
    return reply;
  }

  private JsonObject reserve(JsonObject input) {
    long amount =
        PRICE_PER_TOKEN * (input.getLong(INPUT_TOKENS) + input.getLong(MAX_OUTPUT_TOKENS));
    long remaining = capMicros - spent - heldMicros();
    if (amount > remaining) {
      JsonObject layer = layer(remaining);
      return reply(
          402,
          new JsonObject()
              .put("code", "BUDGET_EXCEEDED")
              .put("message", "Reserving " + amount + " would exceed the cap")
              .put("details", new JsonObject().put(LAYERS, new JsonArray().add(layer))));
    }
    String id = "acme:r" + UUID.randomUUID().toString().replace("-", "");
    active.put(id, amount);
    return reply(
        201,
        new JsonObject()
            .put(RESERVATION_ID, id)
            .put(AMOUNT_MICROS, amount)
            .put(TIGHTEST, layer(remaining - amount)));
  }

  private JsonObject commit(String id, JsonObject input) {
    if (!(input.getValue(MODEL) instanceof String)) {
      return reply(
          400, new JsonObject().put("code", "INVALID_REQUEST").put("message", "model is required"));
    }
    Long held = active.remove(id);
    if (held == null) {
      return reply(409, new JsonObject().put("code", "RESERVATION_NOT_ACTIVE"));
    }
    long actual =
        PRICE_PER_TOKEN
            * (input.getLong(INPUT_TOKENS)
                + input.getLong(CACHED_INPUT_TOKENS, 0L)
                + input.getLong(OUTPUT_TOKENS));
    spent += actual;
    return reply(
        200,
        new JsonObject()
            .put(RESERVATION_ID, id)
            .put(ACTUAL_MICROS, actual)
            .put(TIGHTEST, layer(capMicros - spent - heldMicros())));
  }

  private JsonObject capped(String id) {
    return reply(
        403,
        new JsonObject()
            .put("code", GRANT_CAP_EXCEEDED)
            .put("message", "committing this cost would pass the grant's cost cap")
            .put(
                "details",
                new JsonObject()
                    .put(MAX_COMMIT_MICROS, active.getOrDefault(id, 0L))
                    .put(REMAINING_MICROS, 0)));
  }

  private JsonObject release(String id) {
    active.remove(id);
    return reply(200, new JsonObject().put(RESERVATION_ID, id).put("state", "released"));
  }

  private static JsonObject layer(long remaining) {
    return new JsonObject().put(SCOPE, "acme").put(REMAINING_MICROS, Math.max(0, remaining));
  }

  private static JsonObject reply(int status, JsonObject body) {
    return new JsonObject().put("status", status).put("body", body);
  }

  private static String id(String path) {
    return java.net.URLDecoder.decode(path.split("/")[3], java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.close().await();
    vertx.close().await();
  }
}
