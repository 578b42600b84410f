package com.infrafabric.governor.claim;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.ScriptArgs;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ranking functions of {@code claim_score.lua}, called directly: pure functions of their
 * arguments, run by redis-server's Lua interpreter (the only one the claim path runs in) without
 * any key, so each case pins the numbers a claim decides on. The probe ranks by picking the best
 * again and again, so each list is the order in which claims would hand out these agents; and it
 * shows which agents of the index tops a claim reads at all, with what bound.
 */
@Timeout(60)
class ScoringTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final LuaScript PROBE =
      LuaScript.of(
          "score_probe",
          LuaScript.text(ClaimEngine.class, "governor/claim/claim_score")
              + "\n"
              + LuaScript.text(ScoringTest.class, "governor/claim/score_probe"),
          ScriptArgs.of("items", "required", "required_count", "min_match", "limit", "mode"));

  private static GovernorRig rig;

  @BeforeAll
  static void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"));
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @Test
  void aCapabilityMatchesOnlyAtOrAboveTheRequiredLevel() {
    List<String> ranked =
        rank(
            Map.of("py", 3),
            1000,
            candidate("junior", 100, 900_000, Map.of("py", 2)),
            candidate("senior", 100, 100_000, Map.of("py", 3)),
            candidate("expert", 100, 100_000, Map.of("py", 9)));

    assertThat(ranked).containsExactly("expert=1000", "senior=1000", "first=3,2,0", "last=1,0,0");
  }

  @Test
  void theMinimumMatchIsComparedExactlyAtItsBoundary() {
    JsonObject twoOfThree = candidate("a", 1, 1_000_000, Map.of("x", 1, "y", 1));
    Map<String, Integer> three = Map.of("x", 1, "y", 1, "z", 1);

    assertThat(rank(three, 667, twoOfThree)).containsExactly("first=1,0,0", "last=1,0,0");
    assertThat(rank(three, 666, twoOfThree))
        .containsExactly("a=666666.66666666663", "first=1,1,0", "last=0,0,0");
  }

  @Test
  void scoreIsMatchTimesReputationOverCost() {
    List<String> ranked =
        rank(
            Map.of("x", 1, "y", 1),
            500,
            candidate("full-match", 200, 400_000, Map.of("x", 1, "y", 1)),
            candidate("half-match-cheap", 50, 400_000, Map.of("x", 1)),
            candidate("reputable", 200, 900_000, Map.of("x", 1, "y", 1)));

    assertThat(ranked)
        .containsExactly(
            "reputable=4500",
            "half-match-cheap=4000",
            "full-match=2000",
            "first=2,2,0",
            "last=0,0,0");
  }

  @Test
  void equalScoresGoToTheCheaperAgentThenToTheSmallerIdInAnyInputOrder() {
    List<JsonObject> candidates =
        new ArrayList<>(
            List.of(
                candidate("b-dear", 300, 600_000, Map.of("x", 1)),
                candidate("c-cheap", 200, 400_000, Map.of("x", 1)),
                candidate("a-cheap", 200, 400_000, Map.of("x", 1))));
    List<String> expected =
        List.of("a-cheap=2000", "c-cheap=2000", "b-dear=2000", "first=3,3,0", "last=0,0,0");

    for (int rotation = 0; rotation < 3; rotation++) {
      Collections.rotate(candidates, 1);
      assertThat(rank(Map.of("x", 1), 1000, candidates.toArray(JsonObject[]::new)))
          .containsExactlyElementsOf(expected);
    }
  }

  @Test
  void agentsOverTheMaxCostAreCountedButNotRanked() {
    List<String> ranked =
        rank(
            Map.of("x", 1),
            1000,
            500,
            candidate("dear", 501, 1_000_000, Map.of("x", 1)),
            candidate("fine", 500, 1_000_000, Map.of("x", 1)));

    assertThat(ranked).containsExactly("fine=2000", "first=1,1,0", "last=1,1,1");
  }

  @Test
  void theSearchStopsOnceNoLaterCandidateCanWin() {
    JsonObject[] candidates = new JsonObject[10];
    for (int i = 0; i < candidates.length; i++) {
      candidates[i] = candidate("agent-" + i, 100 + i, 1_000_000, Map.of("x", 1));
    }

    List<String> ranked = rank(Map.of("x", 1), 1000, candidates);

    assertThat(ranked.get(0)).isEqualTo("agent-0=10000");
    assertThat(ranked).contains("first=1,1,0").hasSize(12);
  }

  @Test
  void anAgentAboveTheCutOfAnIndexItIsMissingFromLacksThatCapability() {
    List<String> kept = bounded(2, 2, 1000, List.of("x", 10, "y", 9), List.of("z", 8, "w", 7));

    assertThat(kept).containsExactly("z=8", "w=7");
  }

  @Test
  void aListShorterThanTopKIsTheWholeIndex() {
    List<String> kept = bounded(2, 2, 500, List.of("x", 10), List.of("x", 10, "y", 5));

    assertThat(kept).containsExactly("x=10", "y=2.5");
  }

  @Test
  void anAgentScoredExactlyAtTheCutMayStillBeInThatIndex() {
    List<String> kept = bounded(2, 2, 1000, List.of("x", 10, "y", 9), List.of("z", 9, "w", 9));

    assertThat(kept).containsExactly("w=9", "y=9", "z=9");
  }

  private static List<String> bounded(
      int topK, int required, int minMatch, List<Object> first, List<Object> second) {
    List<String> args =
        PROBE
            .args()
            .values()
            .put(
                "items",
                new JsonArray(List.of(new JsonArray(first), new JsonArray(second))).encode())
            .put("required", "{}")
            .put("required_count", required)
            .put("min_match", minMatch)
            .put("limit", topK)
            .put("mode", "bound")
            .list();
    Response reply = Await.result(rig.redis.eval(PROBE, List.of(), args));
    List<String> kept = new ArrayList<>();
    reply.forEach(item -> kept.add(item.toString()));
    return kept;
  }

  private static JsonObject candidate(
      String id, long rate, long reputation, Map<String, Integer> levels) {
    return new JsonObject()
        .put("id", id)
        .put("rate", rate)
        .put("rep", reputation)
        .put("levels", new JsonObject(Map.copyOf(levels)));
  }

  private static List<String> rank(
      Map<String, Integer> required, int minMatch, JsonObject... candidates) {
    return rank(required, minMatch, Long.MAX_VALUE / 2, candidates);
  }

  private static List<String> rank(
      Map<String, Integer> required, int minMatch, long maxCost, JsonObject... candidates) {
    List<String> args =
        PROBE
            .args()
            .values()
            .put("items", new JsonArray(List.of((Object[]) candidates)).encode())
            .put("required", new JsonObject(Map.copyOf(required)).encode())
            .put("required_count", required.size())
            .put("min_match", minMatch)
            .put("limit", maxCost)
            .put("mode", "pick")
            .list();
    Response reply = Await.result(rig.redis.eval(PROBE, List.of(), args));
    List<String> ranked = new ArrayList<>();
    reply.forEach(item -> ranked.add(item.toString()));
    return ranked;
  }
}
