package com.infrafabric.governor.registry;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.pricing.ModelPrice;
import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.auth.TokenSpec;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.Fields;
import com.infrafabric.platform.redis.ScriptArgs;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What an operator grants one agent, as signed in its contract: the agent's capabilities cannot
 * come from anywhere else, so an agent cannot register or elevate itself.
 *
 * <p>Cost is a flat rate in micro-dollars per task: it is what a claim reserves on the task's
 * budget and what scoring divides by, known before the task runs. The actual spend is reported when
 * the task finishes and committed in place of the reservation.
 *
 * <p>As a JWS, a contract is an ES256 JWT for audience {@link AgentContracts#AUDIENCE} with the
 * agent id as {@code sub} and the claims named by the {@code CLAIM_} constants; numbers are decimal
 * strings (the shared token verifier passes on string and string-list claims).
 *
 * @param agentId the agent, unique in its tenant
 * @param tenant the tenant the agent works for
 * @param capabilities what it may be given tasks for, with levels
 * @param model the LLM it runs on, as the pricing catalogue names it
 * @param costPerTaskMicros its price per task, 1 or more
 * @param slots how many tasks it may hold at once, 1..{@value #MAX_SLOTS}
 * @param slo the latency a successful task should stay within; slower successes earn less
 *     reputation
 * @param version the contract's version; a registration needs a version above the registered one
 */
public record AgentContract(
    String agentId,
    String tenant,
    CapabilitySet capabilities,
    String model,
    long costPerTaskMicros,
    int slots,
    Duration slo,
    long version) {

  public static final String CLAIM_TENANT = "tenant";
  public static final String CLAIM_CAPABILITIES = "capabilities";
  public static final String CLAIM_MODEL = "model";
  public static final String CLAIM_COST = "cost_per_task_micros";
  public static final String CLAIM_SLOTS = "slots";
  public static final String CLAIM_SLO = "slo_ms";
  public static final String CLAIM_VERSION = "contract_version";
  public static final int MAX_SLOTS = 1000;

  /** The largest integer every JSON reader keeps exact (2^53 - 1), as every other bound here. */
  private static final long MAX_VERSION = (1L << 53) - 1;

  private static final Duration MAX_SLO = Duration.ofHours(24);

  public AgentContract {
    Scope.segment(ErrorCode.INVALID_CONTRACT, "agent id", agentId);
    Scope.segment(ErrorCode.INVALID_CONTRACT, "tenant", tenant);
    Objects.requireNonNull(capabilities, "capabilities");
    if (!ModelPrice.isValidName(model)) {
      throw invalid("model", "model must be a model name of 1-128 characters");
    }
    range("cost_per_task_micros", costPerTaskMicros, 1, Money.MAX_MICROS);
    range("slots", slots, 1, MAX_SLOTS);
    range("slo_ms", slo.toMillis(), 1, MAX_SLO.toMillis());
    range("contract_version", version, 1, MAX_VERSION);
  }

  /** Reads the contract a verified token carries. */
  static AgentContract fromPrincipal(Principal token) {
    return new AgentContract(
        token.subject(),
        claim(token, CLAIM_TENANT),
        capabilities(token),
        claim(token, CLAIM_MODEL),
        number(token, CLAIM_COST, 1, Money.MAX_MICROS),
        (int) number(token, CLAIM_SLOTS, 1, MAX_SLOTS),
        Duration.ofMillis(number(token, CLAIM_SLO, 1, MAX_SLO.toMillis())),
        number(token, CLAIM_VERSION, 1, MAX_VERSION));
  }

  /**
   * What an operator signs for this contract (with a key from the trusted contract JWK set), valid
   * for {@code ttl}.
   */
  public TokenSpec toTokenSpec(String issuer, Duration ttl) {
    return TokenSpec.of(agentId, issuer, AgentContracts.AUDIENCE, ttl)
        .withClaim(CLAIM_TENANT, tenant)
        .withListClaim(CLAIM_CAPABILITIES, capabilities.entries())
        .withClaim(CLAIM_MODEL, model)
        .withClaim(CLAIM_COST, Long.toString(costPerTaskMicros))
        .withClaim(CLAIM_SLOTS, Integer.toString(slots))
        .withClaim(CLAIM_SLO, Long.toString(slo.toMillis()))
        .withClaim(CLAIM_VERSION, Long.toString(version));
  }

  /** The script arguments of a registration the contract gives: all but who registers it. */
  ScriptArgs.Values putArgs(ScriptArgs.Values args, String fingerprint, Instant expiresAt) {
    return args.put("agent_id", agentId)
        .put("capabilities", capabilities.encoded())
        .put("model", model)
        .put("rate", costPerTaskMicros)
        .put("slots", slots)
        .put("slo_ms", slo.toMillis())
        .put("version", version)
        .put("contract_fingerprint", fingerprint)
        .put("contract_expires_at", expiresAt.toEpochMilli());
  }

  /**
   * The capabilities claim, refused as every other bad contract field is ({@code INVALID_CONTRACT}
   * naming the field), not as a bad task requirement: the signer, not the caller, wrote it.
   */
  private static CapabilitySet capabilities(Principal token) {
    try {
      return CapabilitySet.parse(token.stringListClaim(CLAIM_CAPABILITIES), CLAIM_CAPABILITIES);
    } catch (GovernorException e) {
      throw invalid(CLAIM_CAPABILITIES, "agent contract " + e.getMessage());
    }
  }

  private static String claim(Principal token, String name) {
    return token
        .stringClaim(name)
        .orElseThrow(() -> invalid(name, "the agent contract has no " + name + " claim"));
  }

  /**
   * A number claim, carried as decimal text, read strictly within {@code min..max}: {@code "slots":
   * "4294967297"} is refused, never wrapped into an {@code int}.
   */
  private static long number(Principal token, String name, long min, long max) {
    String text = claim(token, name);
    try {
      return Fields.decimal(name, text, min, max);
    } catch (ApiException e) {
      throw invalid(name, "agent contract " + e.getMessage());
    }
  }

  private static void range(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw invalid(
          field, "agent contract " + field + " " + value + " is outside " + min + ".." + max);
    }
  }

  private static GovernorException invalid(String field, String message) {
    return new GovernorException(ErrorCode.INVALID_CONTRACT, message, Map.of("field", field));
  }
}
