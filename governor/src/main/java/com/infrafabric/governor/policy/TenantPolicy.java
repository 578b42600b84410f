package com.infrafabric.governor.policy;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.Money;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How one tenant's tasks are handed to agents. Stored in Redis (the tenant's {@code policy} hash)
 * and read by the claim scripts in the same atomic step as the claim, so every governor process
 * applies the same policy the moment it changes. Immutable; built and validated by {@link
 * #builder()}.
 *
 * @param minMatchPermille the least share of a task's required capabilities an agent must hold, in
 *     thousandths (700: 7 of 10)
 * @param maxAgentsPerTask how many agents may in turn own one task: once that many have claimed it
 *     (and failed, abandoned or let the lease expire) the task is escalated instead of handed on
 * @param maxCostPerTaskMicros the most an agent may cost for one task, whatever the task allows
 * @param breakerFailures consecutive failures that open an agent's breaker
 * @param breakerCooldown how long an open breaker stays open before one probe task is allowed
 * @param leaseTtl how long a claim lasts without a heartbeat
 * @param reputationWeightPermille how far one outcome report moves reputation toward the report's
 *     value, in thousandths (100: a tenth of the way)
 * @param subtreeSharePermille the most of the tenant's agent slots (of every registered agent) the
 *     tasks of one subtree may hold leases on at once, in thousandths, and at least one lease (500:
 *     half; 1000: no bound). The agents serve every subtree and a lease lasts as long as its holder
 *     heartbeats, so without it one subtree's dispatcher could take every slot from the others.
 * @param downgrades model downgrade advice for reservations, at most one per model; kept in model
 *     order
 */
public record TenantPolicy(
    int minMatchPermille,
    int maxAgentsPerTask,
    long maxCostPerTaskMicros,
    int breakerFailures,
    Duration breakerCooldown,
    Duration leaseTtl,
    int reputationWeightPermille,
    int subtreeSharePermille,
    List<ModelDowngrade> downgrades) {

  public static final int MAX_AGENTS_PER_TASK = 100;
  public static final int MAX_DOWNGRADES = 100;
  public static final int MAX_BREAKER_FAILURES = 1000;
  public static final Duration MIN_DURATION = Duration.ofSeconds(1);
  public static final Duration MAX_DURATION = Duration.ofHours(24);

  /**
   * 0.7 of required capabilities, 3 agents per task, no cost cap beyond the task's own, breakers
   * open after 5 failures for 30 s, 60 s leases, a tenth of the way per reputation report, half of
   * the slots per subtree.
   */
  public static final TenantPolicy DEFAULTS = builder().build();

  /**
   * The policy hash fields the claim scripts read ({@code load_policy()} in {@code claim_lib.lua}),
   * which also name the members of the claim scripts' default policy argument group.
   */
  public static final List<String> SCRIPT_FIELDS =
      List.of(
          "min_match",
          "max_agents",
          "max_cost",
          "brk_fails",
          "brk_cool",
          "lease_ttl",
          "rep_weight",
          "subtree_share");

  public TenantPolicy {
    range("minMatchPermille", minMatchPermille, 1, 1000);
    range("maxAgentsPerTask", maxAgentsPerTask, 1, MAX_AGENTS_PER_TASK);
    range("maxCostPerTaskMicros", maxCostPerTaskMicros, 1, Money.MAX_MICROS);
    range("breakerFailures", breakerFailures, 1, MAX_BREAKER_FAILURES);
    duration("breakerCooldown", breakerCooldown);
    duration("leaseTtl", leaseTtl);
    range("reputationWeightPermille", reputationWeightPermille, 1, 1000);
    range("subtreeSharePermille", subtreeSharePermille, 1, 1000);
    downgrades =
        downgrades.stream().sorted(Comparator.comparing(ModelDowngrade::fromModel)).toList();
    if (downgrades.size() > MAX_DOWNGRADES) {
      throw invalid("downgrades", "at most " + MAX_DOWNGRADES + " downgrades are allowed");
    }
    Set<String> models = new HashSet<>();
    for (ModelDowngrade downgrade : downgrades) {
      if (!models.add(downgrade.fromModel())) {
        throw invalid("downgrades", "model " + downgrade.fromModel() + " has two downgrades");
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this policy's values, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .minMatchPermille(minMatchPermille)
        .maxAgentsPerTask(maxAgentsPerTask)
        .maxCostPerTaskMicros(maxCostPerTaskMicros)
        .breakerFailures(breakerFailures)
        .breakerCooldown(breakerCooldown)
        .leaseTtl(leaseTtl)
        .reputationWeightPermille(reputationWeightPermille)
        .subtreeSharePermille(subtreeSharePermille)
        .downgrades(downgrades);
  }

  /** The value of each of {@link #SCRIPT_FIELDS}, as the scripts read them. */
  public Map<String, String> scriptFields() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("min_match", Integer.toString(minMatchPermille));
    fields.put("max_agents", Integer.toString(maxAgentsPerTask));
    fields.put("max_cost", Long.toString(maxCostPerTaskMicros));
    fields.put("brk_fails", Integer.toString(breakerFailures));
    fields.put("brk_cool", Long.toString(breakerCooldown.toMillis()));
    fields.put("lease_ttl", Long.toString(leaseTtl.toMillis()));
    fields.put("rep_weight", Integer.toString(reputationWeightPermille));
    fields.put("subtree_share", Integer.toString(subtreeSharePermille));
    return fields;
  }

  /** Every field of the policy hash: {@link #scriptFields()}, then one per downgrade. */
  Map<String, String> fields() {
    Map<String, String> fields = scriptFields();
    downgrades.forEach(d -> fields.put(d.policyField(), d.policyValue()));
    return fields;
  }

  /**
   * Reads what {@link #fields()} wrote; an empty hash is the default policy, and a field a policy
   * stored before it existed ({@code subtree_share}) has its default, as the scripts read it.
   */
  static TenantPolicy fromFields(Map<String, String> fields) {
    if (fields.isEmpty()) {
      return DEFAULTS;
    }
    List<ModelDowngrade> downgrades = new ArrayList<>();
    fields.forEach(
        (name, value) -> {
          if (name.startsWith("dg:")) {
            ModelDowngrade.parse(name.substring(3), value).ifPresent(downgrades::add);
          }
        });
    return new TenantPolicy(
        Integer.parseInt(fields.get("min_match")),
        Integer.parseInt(fields.get("max_agents")),
        Long.parseLong(fields.get("max_cost")),
        Integer.parseInt(fields.get("brk_fails")),
        Duration.ofMillis(Long.parseLong(fields.get("brk_cool"))),
        Duration.ofMillis(Long.parseLong(fields.get("lease_ttl"))),
        Integer.parseInt(fields.get("rep_weight")),
        Integer.parseInt(
            fields.getOrDefault(
                "subtree_share", Integer.toString(DEFAULTS.subtreeSharePermille()))),
        downgrades);
  }

  private static void range(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw invalid(field, "policy." + field + " " + value + " is outside " + min + ".." + max);
    }
  }

  private static void duration(String field, Duration value) {
    Objects.requireNonNull(value, field);
    if (value.compareTo(MIN_DURATION) < 0 || value.compareTo(MAX_DURATION) > 0) {
      throw invalid(
          field, "policy." + field + " of " + value.toMillis() + " ms is outside 1 s..24 h");
    }
  }

  private static GovernorException invalid(String field, String message) {
    return new GovernorException(ErrorCode.INVALID_POLICY, message, Map.of("field", field));
  }

  /** Builds a {@link TenantPolicy}; starts from the defaults. Not thread-safe. */
  public static final class Builder {
    private int minMatchPermille = 700;
    private int maxAgentsPerTask = 3;
    private long maxCostPerTaskMicros = Money.MAX_MICROS;
    private int breakerFailures = 5;
    private Duration breakerCooldown = Duration.ofSeconds(30);
    private Duration leaseTtl = Duration.ofSeconds(60);
    private int reputationWeightPermille = 100;
    private int subtreeSharePermille = 500;
    private List<ModelDowngrade> downgrades = List.of();

    private Builder() {}

    public Builder minMatchPermille(int value) {
      this.minMatchPermille = value;
      return this;
    }

    public Builder maxAgentsPerTask(int value) {
      this.maxAgentsPerTask = value;
      return this;
    }

    public Builder maxCostPerTaskMicros(long value) {
      this.maxCostPerTaskMicros = value;
      return this;
    }

    public Builder breakerFailures(int value) {
      this.breakerFailures = value;
      return this;
    }

    public Builder breakerCooldown(Duration value) {
      this.breakerCooldown = value;
      return this;
    }

    public Builder leaseTtl(Duration value) {
      this.leaseTtl = value;
      return this;
    }

    public Builder reputationWeightPermille(int value) {
      this.reputationWeightPermille = value;
      return this;
    }

    public Builder subtreeSharePermille(int value) {
      this.subtreeSharePermille = value;
      return this;
    }

    public Builder downgrades(List<ModelDowngrade> value) {
      this.downgrades = List.copyOf(value);
      return this;
    }

    /**
     * @throws GovernorException {@code INVALID_POLICY} naming the first field out of range
     */
    public TenantPolicy build() {
      return new TenantPolicy(
          minMatchPermille,
          maxAgentsPerTask,
          maxCostPerTaskMicros,
          breakerFailures,
          breakerCooldown,
          leaseTtl,
          reputationWeightPermille,
          subtreeSharePermille,
          downgrades);
    }
  }
}
