package com.infrafabric.governor.claim;

import com.infrafabric.governor.budget.RawScripts;
import com.infrafabric.governor.pricing.PricedSpend;
import com.infrafabric.governor.registry.CapabilitySet;
import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The claim path's claim and finish functions called raw with {@code FCALL}, one after the other on
 * one task, with the engine's own arguments but none of its validation, fingerprinting or reply
 * parsing beyond what the finish needs: what Redis itself costs per claim + finish.
 *
 * <p>The functions are given, so that two builds of them, loaded side by side on one server (a
 * function is named by its code's SHA-1), can be measured in one run: {@link #ofSource} makes the
 * other build's function from the source it was sent as. Lives in the engine's package to use its
 * declared arguments and their common part. Thread-safe; futures complete as the store's do.
 */
public final class RawClaimPath {

  private static final Pattern FUNCTION_NAME = Pattern.compile("\\A#!lua name=(\\w+)\n");

  private final RawScripts scripts;
  private final Scope scope;
  private final LuaScript claim;
  private final LuaScript finish;

  /** Claims on {@code scope} with {@code claim} and finishes with {@code finish}. */
  public RawClaimPath(
      RedisStore store, Clock clock, Scope scope, LuaScript claim, LuaScript finish) {
    this.scripts = new RawScripts(store, clock);
    this.scope = scope;
    this.claim = claim;
    this.finish = finish;
  }

  /** This build's claim and finish. */
  public static RawClaimPath of(RedisStore store, Clock clock, Scope scope) {
    return new RawClaimPath(store, clock, scope, ClaimEngine.CLAIM, ClaimEngine.FINISH);
  }

  /**
   * The function {@code source} defines (as {@code LuaScript.source()} is written, by another
   * build), called as this build calls {@code name} ({@code claim} or {@code finish}). Refuses a
   * source whose arguments are not declared as this build declares them.
   */
  public static LuaScript ofSource(String name, String source) {
    LuaScript ours = name.equals("claim") ? ClaimEngine.CLAIM : ClaimEngine.FINISH;
    Matcher function = FUNCTION_NAME.matcher(source);
    if (!function.find() || !source.contains(ours.args().luaConstants())) {
      throw new IllegalArgumentException(
          "the source given for " + name + " is not a function taking this build's arguments");
    }
    return new LuaScript(name, source, function.group(1), ours.args(), LuaScript.Kind.FUNCTION);
  }

  /**
   * Claims task {@code taskId} requiring {@code required}, then finishes the lease as succeeded,
   * spending 100 micro-dollars less than was held. Fails unless both answer {@code ok}: a refusal
   * would measure a shortcut, not the claim path.
   */
  public Future<Response> claimFinish(String taskId, CapabilitySet required) {
    ReservationId reservation = ReservationId.generate(scope.tenant());
    TaskSpec task = new TaskSpec(taskId, scope, required, 1_000_000, 1);
    return scripts
        .runOk(
            scope.tenant(),
            claim,
            reservation,
            (args, now) -> {
              ClaimEngine.putCommon(args, ClaimSettings.DEFAULTS);
              // A fixed amount, finished as one: no catalogue prices it (version 0).
              ClaimEngine.putClaim(
                  args,
                  reservation,
                  task,
                  ClaimSettings.DEFAULTS.candidatesPerCapability(),
                  Scope.subtreeArg(null),
                  0);
            })
        .compose(reply -> finish(taskId, new JsonObject(reply.get(1).toString())));
  }

  private Future<Response> finish(String taskId, JsonObject claimed) {
    LeaseId lease =
        new LeaseId(scope.tenant(), taskId, Integer.parseInt(claimed.getString("lease")));
    PricedSpend spent =
        new PricedSpend(
            Long.parseLong(claimed.getString("amount")) - 100, "", 0, new TokenUsage(0, 0, 0));
    return scripts.runOk(
        scope.tenant(),
        finish,
        null,
        (args, now) -> {
          ClaimEngine.putCommon(args, ClaimSettings.DEFAULTS);
          ClaimEngine.putFinish(
              args,
              lease,
              claimed.getString("agent"),
              TaskOutcome.SUCCEEDED,
              Optional.of(Duration.ofMillis(200)),
              spent,
              Scope.subtreeArg(null),
              "");
        });
  }
}
