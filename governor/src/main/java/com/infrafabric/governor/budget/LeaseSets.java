package com.infrafabric.governor.budget;

import com.infrafabric.governor.budget.LeaseSetDiscrepancy.Kind;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.ScriptArgs;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The check of the claim path's per-subtree lease sets against the active leases, read in one step
 * by {@link #SNAPSHOT}: each set must hold exactly the active leases of its subtree's tasks, or the
 * subtree share (claim_lib.lua) admits or refuses claims by leases that are not there.
 */
final class LeaseSets {

  static final LuaScript SNAPSHOT =
      LuaScript.fromResource(
          LeaseSets.class, "governor/claim/lease_sets_snapshot", ScriptArgs.of("prefix"));

  private LeaseSets() {}

  /**
   * Every difference between the sets and the active leases in {@code snapshot} (the reply of
   * {@link #SNAPSHOT}), by subtree then lease.
   */
  static List<LeaseSetDiscrepancy> discrepancies(Response snapshot) {
    Map<String, Set<String>> active = new HashMap<>();
    Response leases = snapshot.get(0);
    for (int i = 0; i + 1 < leases.size(); i += 2) {
      active
          .computeIfAbsent(leases.get(i + 1).toString(), s -> new TreeSet<>())
          .add(leases.get(i).toString());
    }
    Map<String, Set<String>> listed = new HashMap<>();
    Response sets = snapshot.get(1);
    for (int i = 0; i + 1 < sets.size(); i += 2) {
      Set<String> members = listed.computeIfAbsent(sets.get(i).toString(), s -> new TreeSet<>());
      sets.get(i + 1).forEach(member -> members.add(member.toString()));
    }
    List<LeaseSetDiscrepancy> differences = new ArrayList<>();
    Set<String> subtrees = new TreeSet<>(active.keySet());
    subtrees.addAll(listed.keySet());
    for (String subtree : subtrees) {
      Set<String> want = active.getOrDefault(subtree, Set.of());
      Set<String> have = listed.getOrDefault(subtree, Set.of());
      addAbsent(subtree, want, have, Kind.MISSING, differences);
      addAbsent(subtree, have, want, Kind.STRAY, differences);
    }
    return differences;
  }

  /** Adds each lease of {@code from} (sorted) that {@code in} lacks, as {@code kind}. */
  private static void addAbsent(
      String subtree,
      Set<String> from,
      Set<String> in,
      Kind kind,
      List<LeaseSetDiscrepancy> differences) {
    for (String lease : from) {
      if (!in.contains(lease)) {
        differences.add(new LeaseSetDiscrepancy(subtree, lease, kind));
      }
    }
  }
}
