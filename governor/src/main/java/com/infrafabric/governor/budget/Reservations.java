package com.infrafabric.governor.budget;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisIds;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.ScriptArgs;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lists the reservation records of a scope subtree, open or finished, page by page. The records
 * have no index (one would cost every reserve a write), so a page is found by {@code SCAN} over the
 * tenant's record keys in one read-only script: each call examines at most {@value #MAX_STEPS}
 * steps of {@value #STEP_COUNT} keys, whatever the keyspace holds, so a page may hold fewer than
 * its limit (even none) while {@code next_cursor} says more may follow. Over a whole listing every
 * record that existed throughout is returned at least once, in no particular order; a record may
 * come twice if Redis resized its table meanwhile ({@code SCAN}'s guarantee). Thread-safe.
 */
public final class Reservations {

  /** The most reservations one page holds. */
  public static final int MAX_PAGE_SIZE = 1000;

  static final int STEP_COUNT = 1000;
  static final int MAX_STEPS = 10;

  public static final LuaScript LIST =
      LuaScript.fromResource(
          Reservations.class,
          "governor/budget/list_reservations",
          ScriptArgs.of(
              "pattern", "cursor", "after", "limit", "count", "max_steps", "within", "state"));

  /** {@code <scan cursor>} or {@code <scan cursor>.<record token>} (see the script). */
  private static final Pattern CURSOR = Pattern.compile("([0-9]+)(?:\\.(r[0-9a-f]{32}))?");

  private static final int FIELDS = 9;

  private final RedisStore redis;

  public Reservations(RedisStore redis) {
    this.redis = redis;
  }

  /** Whether {@code cursor} has the form of a next cursor this listing writes. */
  public static boolean isCursor(String cursor) {
    Matcher parsed = CURSOR.matcher(cursor);
    return parsed.matches() && RedisIds.isScanCursor(parsed.group(1));
  }

  /**
   * One page of the reservations of {@code within} and its subtree that {@code filter} admits,
   * starting at {@code cursor} (a previous page's next cursor) or at the beginning.
   *
   * @throws GovernorException {@code INVALID_REQUEST} if the cursor is not one this listing wrote
   */
  public Future<ReservationPage> list(
      Scope within, ReservationFilter filter, Optional<String> cursor, int limit) {
    String tenant = within.tenant();
    TenantKeyNames keys = TenantKeyNames.of(tenant);
    String scanCursor = "0";
    String after = "";
    if (cursor.isPresent()) {
      Matcher parsed = CURSOR.matcher(cursor.get());
      if (!isCursor(cursor.get()) || !parsed.matches()) {
        throw new GovernorException(
            ErrorCode.INVALID_REQUEST, "cursor is not a next_cursor of this listing");
      }
      scanCursor = parsed.group(1);
      after =
          parsed.group(2) == null
              ? ""
              : keys.reservation(new ReservationId(tenant, parsed.group(2)));
    }
    List<String> args =
        LIST.args()
            .values()
            .put("pattern", keys.prefix() + "r:*")
            .put("cursor", scanCursor)
            .put("after", after)
            .put("limit", limit)
            .put("count", STEP_COUNT)
            .put("max_steps", MAX_STEPS)
            .put("within", within.path())
            .put("state", filter.wireName())
            .list();
    return redis
        .eval(LIST, List.of(keys.reservationExpiry()), args)
        .map(reply -> page(keys, reply));
  }

  private static ReservationPage page(TenantKeyNames keys, Response reply) {
    List<ReservationRecord> records = new ArrayList<>();
    for (int i = 2; i + FIELDS <= reply.size(); i += FIELDS) {
      records.add(record(keys, reply, i));
    }
    String scanCursor = reply.get(0).toString();
    String last = reply.get(1).toString();
    Optional<String> next =
        last.isEmpty()
            ? (scanCursor.equals("0") ? Optional.empty() : Optional.of(scanCursor))
            : Optional.of(scanCursor + "." + token(keys, last));
    return new ReservationPage(records, next);
  }

  /** The record at {@code at}: key, scope, amt, state, exp, created, ended, actual, model. */
  private static ReservationRecord record(TenantKeyNames keys, Response reply, int at) {
    Response ended = reply.get(at + 6);
    Response actual = reply.get(at + 7);
    Response model = reply.get(at + 8);
    return new ReservationRecord(
        ReservationId.parse(idOf(keys, reply.get(at).toString())),
        Scope.parse(reply.get(at + 1).toString()),
        ReservationState.fromWireName(reply.get(at + 3).toString()),
        reply.get(at + 2).toLong(),
        actual == null ? OptionalLong.empty() : OptionalLong.of(actual.toLong()),
        model == null ? "" : model.toString(),
        Instant.ofEpochMilli(reply.get(at + 5).toLong()),
        Instant.ofEpochMilli(reply.get(at + 4).toLong()),
        ended == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(ended.toLong())));
  }

  /** The reservation id of the record key {@code key} ({@code <prefix>r:<id>}). */
  private static String idOf(TenantKeyNames keys, String key) {
    return key.substring(keys.prefix().length() + "r:".length());
  }

  private static String token(TenantKeyNames keys, String key) {
    return ReservationId.parse(idOf(keys, key)).token();
  }
}
