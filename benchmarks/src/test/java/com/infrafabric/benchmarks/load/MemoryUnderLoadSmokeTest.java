package com.infrafabric.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the memory harness in smoke mode (a private redis-server, the real service started through
 * the test hook, seconds of load), so that CI notices when it no longer starts, when a pair fails
 * over HTTP other than by failing closed, when the store cannot be read or when the results lose a
 * figure. Seconds are far shorter than the warm-up, so the verdict must say so rather than call the
 * memory flat. On a crowded machine Redis can miss the service's 1 s deadline, and the service then
 * answers 503 {@code STORE_UNAVAILABLE} as it must; that is the only failure allowed here.
 */
class MemoryUnderLoadSmokeTest {

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void theLoadChargesWithoutFailureTheStoreIsReadAndTheVerdictAsksForALongerRun(
      @TempDir Path directory) throws Exception {
    Path out = directory.resolve("memory.json");

    MemoryUnderLoad.main(new String[] {"--smoke", "--out", out.toString()});

    JsonObject results = new JsonObject(Files.readString(out));
    JsonObject load = results.getJsonObject("load");
    assertThat(load.getLong("completed")).isPositive();
    if (load.getLong("failed") > 0) {
      assertThat(load.getString("first_failure")).contains("503", "STORE_UNAVAILABLE");
    }
    assertThat(results.getJsonArray("series").size())
        .as("one reading before the load, one a second during it, one after")
        .isGreaterThanOrEqualTo(3);
    JsonObject last =
        results.getJsonArray("series").getJsonObject(results.getJsonArray("series").size() - 1);
    long started = load.getLong("completed") + load.getLong("failed") + load.getLong("rejected");
    // Before the load the ledger holds what the set-up wrote (its budget puts).
    long setUp = results.getJsonArray("series").getJsonObject(0).getLong("ledger_entries");
    assertThat(last.getLong("ledger_entries") - setUp)
        .as("two entries a completed pair, at most two for any other; none archived yet")
        .isBetween(2 * load.getLong("completed"), 2 * started);
    assertThat(last.getLong("holds"))
        .as("a hold is left only by a pair whose commit did not complete")
        .isBetween(0L, started - load.getLong("completed"));
    assertThat(last.getDouble("stale_percent")).isBetween(0.0, 100.0);
    assertThat(last.getLong("used_memory"))
        .isGreaterThan(results.getLong("empty_store_used_memory"));
    JsonObject options = results.getJsonObject("options");
    assertThat(options.getLong("idempotency_ttl_ms")).isEqualTo(60_000);
    assertThat(options.getBoolean("idempotency_ttl_below_floor_by_test_hook")).isTrue();
    JsonObject verdict = results.getJsonObject("verdict");
    assertThat(verdict.getBoolean("flat")).isFalse();
    assertThat(verdict.getJsonArray("shortfalls").getString(0)).endsWith("run longer");
    assertThat(results.getDouble("predicted_held_bytes")).isPositive();
    assertThat(Files.readString(directory.resolve("memory.html")))
        .contains("<svg", "used_memory_dataset", "IdempotencyBelowFloor");
  }
}
