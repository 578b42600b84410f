package com.infrafabric.governor.tenant;

import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.ScriptArgs;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * Runs the scripts of one tenant: the budget's, the claim path's and the registry's, all built on
 * {@code budget_lib.lua}.
 *
 * <p>Such a script is the budget library, then the caller's own libraries, then its body, preceded
 * by the constants of its arguments: {@link #HEADER}, which every one of them reads (tenant prefix,
 * time, zone and windows, idempotency, retention, scope limit, write quota) and this class fills,
 * then the script's own arguments, which the caller fills by name. Every script can therefore hold,
 * commit and expire budget reservations with the budget's own Lua functions inside a larger atomic
 * step: there is one implementation of reservation logic, not a copy per caller.
 *
 * <p>Windows are computed in the tenant's zone as last seen; a script that finds the zone changed
 * answers {@code zone} without writing anything, and is run once more in the new zone. Thread-safe.
 */
public final class TenantScripts {

  /** The arguments every tenant script reads first (the {@code H} table of budget_lib.lua). */
  public static final ScriptArgs HEADER =
      ScriptArgs.of(
          "prefix",
          "now",
          "zone",
          "day",
          "month",
          "oldest_day",
          "oldest_month",
          "idempotency_key",
          "fingerprint",
          "idempotency_ttl",
          "retention",
          "max_scopes",
          "records_per_hour");

  /**
   * The members of a spend argument group, which {@code spend_of()} in budget_lib.lua reads:
   * amount, input, cached input and output tokens, model, pricing version.
   */
  public static final List<String> SPEND =
      List.of(
          "amount",
          "input_tokens",
          "cached_input_tokens",
          "output_tokens",
          "model",
          "pricing_version");

  /**
   * The keys every tenant script takes, in KEYS order. budget_lib.lua reads them by name, {@code
   * KEYS[KEY.<name>]}, from the table {@link #constants()} generates from this declaration, so the
   * Java side that fills them and the Lua side that reads them cannot disagree.
   */
  enum HeaderKey {
    CONFIG,
    IDEMPOTENCY,
    LEDGER,
    EVENTS,
    RESERVATION_EXPIRY,
    RESERVATION;

    /** The field of the Lua table {@code KEY} that holds this key's index. */
    String luaName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final int ZONE_CACHE_SIZE = 10_000;
  private static final String LIBRARY = "governor/budget/budget_lib";

  private final RedisStore redis;
  private final Clock clock;
  private final Duration idempotencyTtl;
  private final Duration recordRetention;
  private final long maxScopes;
  private final long recordsPerHour;
  private final TenantZones zones = new TenantZones(ZONE_CACHE_SIZE);

  /**
   * @param redis the shared Redis client
   * @param clock the time windows, TTLs, leases and ledger timestamps are read from
   * @param idempotencyTtl how long a request's idempotency record is kept
   * @param recordRetention how long a finished reservation or lease stays readable
   * @param maxScopes the most distinct scopes a tenant holds usage counters for ({@code
   *     budget.maxScopes}): a spend that would count a scope beyond them is refused
   * @param recordsPerHour the most records a tenant's requests may leave in one {@link
   *     RecordCharge#WINDOW} ({@code budget.tenantRecordsPerHour}): a request charged more than is
   *     left is refused
   */
  public TenantScripts(
      RedisStore redis,
      Clock clock,
      Duration idempotencyTtl,
      Duration recordRetention,
      long maxScopes,
      long recordsPerHour) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.idempotencyTtl = Objects.requireNonNull(idempotencyTtl, "idempotencyTtl");
    this.recordRetention = Objects.requireNonNull(recordRetention, "recordRetention");
    this.maxScopes = maxScopes;
    this.recordsPerHour = recordsPerHour;
  }

  /**
   * The script {@code lua/<body>.lua} taking {@link #HEADER} then {@code own}, as a {@link
   * LuaScript#function function} whose library is the Java constants the scripts enforce, the
   * indexes of the {@link HeaderKey}s, the {@link RecordCharge}s, the argument constants, {@code
   * budget_lib.lua}, then each of {@code libraries}, all paths from the class path of {@code
   * anchor}'s module. The libraries' functions are thus made once per server rather than on every
   * call, as a script's whole chunk would (Redis 7.0: a third of a call that stops at its first
   * check, 5% of a reserve + commit).
   */
  public static LuaScript compose(
      Class<?> anchor, String body, ScriptArgs own, String... libraries) {
    StringBuilder library = new StringBuilder(LuaScript.text(TenantScripts.class, LIBRARY));
    for (String path : libraries) {
      library.append('\n').append(LuaScript.text(anchor, path));
    }
    return LuaScript.function(
        body.substring(body.lastIndexOf('/') + 1),
        constants() + keyIndexes() + ScriptReply.layerIndexes() + RecordCharge.luaDeclarations(),
        library.toString(),
        LuaScript.text(anchor, body),
        HEADER.then(own));
  }

  /**
   * How a service's reservation holder starts (the budget's {@code ReservationHolder.service}: the
   * gateway's, the chassis's). The scripts commit such a hold at its worst case when it is still
   * active at its expiry, as the service calls the provider itself once it holds it; any other
   * hold's expiry releases it.
   */
  public static final String SERVICE_HOLDER_PREFIX = "svc:";

  /**
   * Lua declarations of the Java constants the scripts enforce, so that the two sides cannot
   * disagree: {@code MAX_COUNTER} is {@link Money#MAX_MICROS}, {@code SERVICE_HOLDER_PREFIX} is
   * {@link #SERVICE_HOLDER_PREFIX}.
   */
  public static String constants() {
    return "local MAX_COUNTER = "
        + Money.MAX_MICROS
        + "\nlocal SERVICE_HOLDER_PREFIX = '"
        + SERVICE_HOLDER_PREFIX
        + "'\n";
  }

  /** The Lua table {@code KEY}: the index in KEYS of each {@link HeaderKey}, by its Lua name. */
  static String keyIndexes() {
    StringJoiner keys = new StringJoiner(", ", "local KEY = {", "}\n");
    for (HeaderKey key : HeaderKey.values()) {
      keys.add(key.luaName() + " = " + (key.ordinal() + 1));
    }
    return keys.toString();
  }

  /**
   * Runs {@code script} for {@code tenant}, retried once in the tenant's new zone if it changed. A
   * script run under an idempotency key (reserve, commit, release, charge, claim: the requests a
   * client may retry) is acknowledged with the store's {@link
   * com.infrafabric.platform.redis.RedisSettings.Durability durability}: under {@code replicated},
   * once a replica has it too, so that a failover loses no answer a client was given.
   *
   * @param idempotencyKey names the request, or null for a script that remembers nothing
   * @param fingerprint what the request was (see {@link Fingerprint}), or empty
   * @param reservation the reservation the script works on (its hash is {@link
   *     HeaderKey#RESERVATION}), or null for none
   * @param own fills the script's own arguments
   */
  public Future<ScriptReply> run(
      String tenant,
      LuaScript script,
      IdempotencyKey idempotencyKey,
      String fingerprint,
      ReservationId reservation,
      Arguments own) {
    Call call = new Call(tenant, script, idempotencyKey, fingerprint, reservation, own);
    Instant now = clock.instant();
    return attempt(call, now)
        .compose(
            reply -> {
              if (!"zone".equals(reply.kind())) {
                return Future.succeededFuture(reply);
              }
              zones.learn(tenant, ZoneId.of(reply.payload()), now);
              return attempt(call, now);
            });
  }

  /** Runs a script that remembers nothing and works on no reservation. */
  public Future<ScriptReply> run(String tenant, LuaScript script, Arguments own) {
    return run(tenant, script, null, "", null, own);
  }

  /**
   * Runs a script once, in the zone last seen, and returns Redis's answer as it is: for a script
   * that never checks the zone (it reads no window), or to measure what Redis alone costs.
   */
  public Future<Response> runOnce(
      String tenant,
      LuaScript script,
      IdempotencyKey idempotencyKey,
      String fingerprint,
      ReservationId reservation,
      Arguments own) {
    Call call = new Call(tenant, script, idempotencyKey, fingerprint, reservation, own);
    Instant now = clock.instant();
    CalendarWindows windows = zones.windowsAt(tenant, now);
    return redis.eval(script, call.keys(), args(call, windows, now.toEpochMilli()));
  }

  /** Tells this runner at once that a tenant's zone changed. */
  public void learnZone(String tenant, ZoneId zone) {
    zones.learn(tenant, zone, clock.instant());
  }

  /** The clock leases and windows are read from. */
  public Clock clock() {
    return clock;
  }

  private Future<ScriptReply> attempt(Call call, Instant now) {
    CalendarWindows windows = zones.windowsAt(call.tenant(), now);
    List<String> keys = call.keys();
    List<String> args = args(call, windows, now.toEpochMilli());
    Future<Response> reply =
        call.idempotencyKey() == null
            ? redis.eval(call.script(), keys, args)
            : redis.evalDurably(call.script(), keys, args);
    return reply.map(response -> ScriptReply.of(response, windows));
  }

  private List<String> args(Call call, CalendarWindows windows, long nowMillis) {
    String tenant = call.tenant();
    IdempotencyKey idempotencyKey = call.idempotencyKey();
    ScriptArgs.Values values =
        call.script()
            .args()
            .values()
            .put("prefix", TenantKeyNames.of(tenant).prefix())
            .put("now", nowMillis)
            .put("zone", windows.zone().getId())
            .put("day", windows.dayId())
            .put("month", windows.monthId())
            .put("oldest_day", windows.oldestDayKept())
            .put("oldest_month", windows.oldestMonthKept())
            .put("idempotency_key", idempotencyKey == null ? "" : idempotencyKey.value())
            .put("fingerprint", call.fingerprint())
            .put("idempotency_ttl", idempotencyTtl.toMillis())
            .put("retention", recordRetention.toMillis())
            .put("max_scopes", maxScopes)
            .put("records_per_hour", recordsPerHour);
    call.own().put(values, nowMillis);
    return values.list();
  }

  /** Fills a script's own arguments for one attempt at time {@code nowMillis} (epoch ms). */
  @FunctionalInterface
  public interface Arguments {
    void put(ScriptArgs.Values values, long nowMillis);
  }

  /** One script call: its keys, and its arguments for the windows of each attempt. */
  private record Call(
      String tenant,
      LuaScript script,
      IdempotencyKey idempotencyKey,
      String fingerprint,
      ReservationId reservation,
      Arguments own) {

    /**
     * Every {@link HeaderKey}, in KEYS order: the idempotency record and the reservation hash are
     * the config hash when the call has none.
     */
    List<String> keys() {
      TenantKeyNames names = TenantKeyNames.of(tenant);
      EnumMap<HeaderKey, String> keys = new EnumMap<>(HeaderKey.class);
      keys.put(HeaderKey.CONFIG, names.config());
      keys.put(
          HeaderKey.IDEMPOTENCY,
          idempotencyKey == null ? names.config() : names.idempotency(idempotencyKey));
      keys.put(HeaderKey.LEDGER, names.ledger());
      keys.put(HeaderKey.EVENTS, names.events());
      keys.put(HeaderKey.RESERVATION_EXPIRY, names.reservationExpiry());
      keys.put(
          HeaderKey.RESERVATION,
          reservation == null ? names.config() : names.reservation(reservation));
      return List.copyOf(keys.values());
    }
  }
}
