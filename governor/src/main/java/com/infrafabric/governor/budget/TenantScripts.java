package com.infrafabric.governor.budget;

import com.infrafabric.platform.redis.LuaScript;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The seam through which the governor's other packages (the claim path, the agent registry) run
 * scripts built on {@code budget_lib.lua}.
 *
 * <p>Such a script is the budget library, then the caller's own libraries, then its body. It gets
 * the header every budget script reads (tenant prefix, time, zone and windows, idempotency,
 * retention), runs with the same zone-stale retry as {@link BudgetEngine}, and can therefore hold,
 * commit and expire budget reservations with the budget's own Lua functions inside a larger atomic
 * step: there is one implementation of reservation logic, not a copy per caller. The budget's
 * package-private machinery ({@code BudgetCall}, {@code BudgetKeys}, the zone cache) stays behind
 * these few methods. Thread-safe.
 */
public final class TenantScripts {

  private final BudgetEngine engine;

  public TenantScripts(BudgetEngine engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  /**
   * The constants the Lua side takes from their Java declaration, then {@code budget_lib.lua}, then
   * {@code lua/<library>.lua} for each library, then {@code lua/<body>.lua}, all from the class
   * path of {@code anchor}'s module.
   */
  public static LuaScript compose(Class<?> anchor, String body, String... libraries) {
    StringBuilder source = new StringBuilder(constants());
    source.append(LuaScript.fromResource(BudgetScripts.class, "budget_lib").source());
    for (String library : libraries) {
      source.append('\n').append(LuaScript.fromResource(anchor, library).source());
    }
    source.append('\n').append(LuaScript.fromResource(anchor, body).source());
    return LuaScript.of(body, source.toString());
  }

  /**
   * Lua declarations of the Java constants the scripts enforce, so that the two sides cannot
   * disagree: {@code MAX_COUNTER} is {@link Money#MAX_MICROS}.
   */
  static String constants() {
    return "local MAX_COUNTER = " + Money.MAX_MICROS + "\n";
  }

  /**
   * Runs {@code script} for {@code tenant}: ARGV 1-11 and KEYS are the budget header, {@code args}
   * follow from ARGV[12] on.
   *
   * @param idempotencyKey names the request, or null for a script that remembers nothing
   * @param fingerprint what the request was (see {@link #fingerprint}), or empty
   * @param reservation the reservation the script works on (KEYS[6]), or null for none
   */
  public Future<ScriptReply> run(
      String tenant,
      LuaScript script,
      IdempotencyKey idempotencyKey,
      String fingerprint,
      ReservationId reservation,
      List<String> args) {
    BudgetKeys keys = BudgetKeys.of(tenant);
    return engine.run(
        tenant,
        script,
        (windows, now) -> {
          BudgetCall call =
              BudgetCall.of(keys, windows, now, idempotencyKey, fingerprint, engine.settings());
          if (reservation != null) {
            call.reservationKey(keys.reservation(reservation));
          }
          return call.args(args);
        });
  }

  /**
   * The arguments {@code spend_at()} reads for a commit of {@code spend}, priced with the current
   * catalogue: amount, input, cached input and output tokens, model, pricing version.
   */
  public List<String> spendArgs(Spend spend) {
    return engine.price(spend).args();
  }

  /**
   * The script argument naming the subtree a caller may touch ({@code within()} in budget_lib.lua):
   * its path, or empty for a caller allowed to touch any scope ({@code within} null).
   */
  public static String subtreeArg(Scope within) {
    return within == null ? "" : within.path();
  }

  /** A new reservation id of {@code tenant}, for a script that holds budget with {@code hold()}. */
  public static ReservationId newReservationId(String tenant) {
    return ReservationId.generate(tenant);
  }

  /** The fingerprint stored beside an idempotency key: a hash of the operation and its fields. */
  public static String fingerprint(String operation, Object... fields) {
    return Fingerprint.of(operation, fields);
  }

  /** The start of every Redis key of {@code tenant}: {@code gov:{tenant}:}. */
  public static String tenantPrefix(String tenant) {
    return BudgetKeys.of(tenant).prefix();
  }

  /** The clock leases and windows are read from. */
  public Clock clock() {
    return engine.clock();
  }
}
