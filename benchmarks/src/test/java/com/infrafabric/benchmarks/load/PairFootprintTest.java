package com.infrafabric.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.infrafabric.benchmarks.BenchmarkCall;
import com.infrafabric.governor.budget.Budget;
import com.infrafabric.governor.budget.BudgetEngine;
import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.budget.Budgets;
import com.infrafabric.governor.budget.Limit;
import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.tenant.TenantScripts;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sizing formula's per-record terms ({@link Retention}) are what Redis really allocates for a
 * reserve + commit pair, measured rather than added up from {@code MEMORY USAGE}: pairs written
 * through the engine exactly as the HTTP service writes them for {@link MemoryUnderLoad}'s tenant
 * (two budgeted layers with three caps each, idempotency keys named by a caller, the benchmark
 * call's model and tokens), nothing lapsing, then each kind of record deleted in turn and {@code
 * used_memory}'s drop divided by how many went. Everything Redis spends on a key is in that drop
 * (the value, the key's name, its entry in the key table and in the expiry table, the allocator's
 * rounding) except the two tables' slot arrays, which only grow by doubling; they are read from
 * {@code DEBUG HTSTATS} and set against the formula's power-of-two term.
 */
@Timeout(180)
class PairFootprintTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final BenchmarkCall CALL = ChargePathLoad.CALL;
  private static final int WARM_UP_PAIRS = 500;
  private static final int PAIRS = 6_000;
  private static final int IN_FLIGHT = 32;

  /**
   * Keys a SCAN page asks for, and so a DEL names: few enough that the reading connection's query
   * and reply buffers keep their usual size (a DEL of a thousand keys grows its query buffer by
   * some 100 KB, given back in the server's own time).
   */
  private static final int PAGE = 100;

  private static final Scope SCOPE = Scope.parse(TenantSetup.agentScope(0));
  private static final TenantKeyNames KEYS = TenantKeyNames.of(TenantSetup.TENANT);

  /** Every record is kept an hour: nothing lapses while the test reads. */
  private static final Duration NOTHING_LAPSES = Duration.ofHours(1);

  private Vertx vertx;

  /** The connection readings and deletions go through; pairs are written on others. */
  private RedisStore redis;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    redis = RedisStore.create(vertx, RedisSettings.of(REDIS.endpoint()), new SimpleMeterRegistry());
    Await.result(new PricingCatalogues(redis).replace(List.of(CALL.model()), -1));
    // DEBUG HTSTATS gives no size for an empty table, though its slots stay allocated until the
    // server shrinks it: with every reservation deleted, the expiry table would be empty and its
    // 32,768 slots (256 KiB) counted as records, or not, as the server's cron happened to run. One
    // key that expires an hour from now keeps it listed.
    send(Request.cmd(Command.SET).arg("footprint:sentinel").arg("1").arg("PX").arg(3_600_000));
    Limit largest = Limit.of(Money.MAX_MICROS);
    writing(
        (store, engine) -> {
          for (String scope : List.of(TenantSetup.TENANT, TenantSetup.PROJECT)) {
            Await.result(
                new Budgets(store, engine)
                    .put(
                        new Budget(
                            Scope.parse(scope),
                            Map.of(
                                Window.DAY,
                                largest,
                                Window.MONTH,
                                largest,
                                Window.LIFETIME,
                                largest)),
                        "benchmark"));
          }
        });
  }

  @AfterEach
  void stop() {
    redis.close();
    Await.result(vertx.close());
  }

  @Test
  void eachRecordTakesWhatTheFormulaSaysAndOnlyTheKeyTablesStep() {
    writing((store, engine) -> runPairs(engine, WARM_UP_PAIRS));
    awaitRehashed();
    long before = memoryApartFromTables();
    long slotsBefore = tableSlots();
    writing((store, engine) -> runPairs(engine, PAIRS));
    awaitRehashed();
    long records = memoryApartFromTables() - before;
    long slotsGrowth = Retention.SLOT_BYTES * (tableSlots() - slotsBefore);
    long pairs = WARM_UP_PAIRS + PAIRS;

    assertThat(tableSlots())
        .as("the key table and the expiry table, each the power of two at or above its keys")
        .isEqualTo(
            Retention.tableSlots(keyspace("keys")) + Retention.tableSlots(keyspace("expires")));

    System.out.printf(
        "MEMORY USAGE, mean of a page: idempotency record %.0f B, reservation %.0f B; ledger"
            + " stream %.0f B an entry%n",
        meanMemoryUsage(KEYS.prefix() + "idem:*"),
        meanMemoryUsage(KEYS.prefix() + "r:*"),
        memoryUsage(KEYS.ledger()) / (2.0 * pairs));
    double idempotency = dropOnDeleting(KEYS.prefix() + "idem:*") / (2.0 * pairs);
    double reservation = dropOnDeleting(KEYS.prefix() + "r:*") / (double) pairs;
    double ledger = dropOnDeleting(KEYS.ledger()) / (2.0 * pairs);
    System.out.printf(
        "per record (used_memory dropped on deleting them, tables apart): idempotency %.0f B,"
            + " reservation %.0f B, ledger entry %.0f B; %d pairs wrote %d B of records and"
            + " %d B of table slots%n",
        idempotency, reservation, ledger, PAIRS, records, slotsGrowth);

    assertThat(idempotency).isCloseTo(Retention.IDEMPOTENCY_RECORD_BYTES, withinPercentage(5));
    assertThat(reservation).isCloseTo(Retention.RESERVATION_BYTES, withinPercentage(5));
    assertThat(ledger).isCloseTo(Retention.LEDGER_ENTRY_BYTES, withinPercentage(5));
    assertThat((double) records)
        .as("nothing else grows with the pairs: the three kinds of record are all of it")
        .isCloseTo(PAIRS * (double) Retention.bytesPerPair(), withinPercentage(5));
  }

  /**
   * Runs {@code work} with the engine as the service wires it, on connections of its own, then
   * closes them and waits until the server has let them go. Pipelined scripts grow a connection's
   * query buffer by a hundred kilobytes or more, which the server gives back only once the
   * connection has been idle for two seconds: that fell inside a later reading on CI (a reservation
   * measured at 395-397 B against 360). A closed connection's buffers go at once.
   */
  private void writing(BiConsumer<RedisStore, BudgetEngine> work) {
    // The reading store checks its master's guarantees on a connection of its own, opened by its
    // first check: open it now, so that it is counted before the writer's connections are.
    Await.result(redis.refusal());
    long clients = connectedClients();
    RedisStore writer =
        RedisStore.create(vertx, RedisSettings.of(REDIS.endpoint()), new SimpleMeterRegistry());
    try {
      PricingCatalogues pricing = new PricingCatalogues(writer);
      Await.result(pricing.refresh());
      work.accept(
          writer,
          new BudgetEngine(
              new TenantScripts(
                  writer,
                  MutableClock.at("2026-12-06T01:00:00Z"),
                  NOTHING_LAPSES,
                  NOTHING_LAPSES,
                  BudgetSettings.DEFAULTS.maxScopes(),
                  BudgetSettings.DEFAULTS.tenantRecordsPerHour()),
              pricing,
              BudgetSettings.DEFAULTS,
              new SimpleMeterRegistry()));
    } finally {
      writer.close();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (connectedClients() > clients) {
      assertThat(System.nanoTime())
          .as("the writer's connections closed within 10 s")
          .isLessThan(deadline);
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
  }

  private static void runPairs(BudgetEngine engine, int pairs) {
    for (int done = 0; done < pairs; done += IN_FLIGHT) {
      List<Future<?>> batch = new ArrayList<>();
      for (int i = 0; i < Math.min(IN_FLIGHT, pairs - done); i++) {
        // A pair as the HTTP service makes it for an agent's reserve and commit.
        batch.add(CALL.reserveCommit(engine, SCOPE, PairFootprintTest::callerKey));
      }
      Await.result(Future.all(batch));
    }
  }

  private long connectedClients() {
    return MemorySampler.field(
        send(Request.cmd(Command.INFO).arg("clients")).toString(), "connected_clients");
  }

  private static IdempotencyKey callerKey() {
    return IdempotencyKey.ofCaller(
        "agent-0", TenantSetup.agentScope(0), UUID.randomUUID().toString());
  }

  /**
   * Deletes the keys matching {@code pattern} and returns how far {@code used_memory} fell, the
   * tables' slot arrays apart (they shrink only when nearly empty, in the server's own time).
   */
  private long dropOnDeleting(String pattern) {
    long before = memoryApartFromTables();
    String cursor = "0";
    do {
      Response page =
          send(
              Request.cmd(Command.SCAN)
                  .arg(cursor)
                  .arg("MATCH")
                  .arg(pattern)
                  .arg("COUNT")
                  .arg(PAGE));
      cursor = page.get(0).toString();
      Request delete = Request.cmd(Command.DEL);
      page.get(1).forEach(key -> delete.arg(key.toString()));
      if (page.get(1).size() > 0) {
        send(delete);
      }
    } while (!cursor.equals("0"));
    return before - memoryApartFromTables();
  }

  /**
   * {@code used_memory} less the tables' slot arrays, read between two equal slot counts. The
   * server resizes a table in its own time (deleting most keys shrinks them a cron tick later) and
   * frees the old array when the rehash ends; a count read on the other side of either from {@code
   * used_memory} would set a whole array against the records, so a read that straddles one is
   * repeated.
   */
  private long memoryApartFromTables() {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      long slots = tableSlots();
      long used = usedMemory();
      if (tableSlots() == slots) {
        return used - Retention.SLOT_BYTES * slots;
      }
      assertThat(System.nanoTime()).as("a steady read within 10 s").isLessThan(deadline);
    }
  }

  /** The mean {@code MEMORY USAGE} (every node, not a sample) of a page of keys matching it. */
  private double meanMemoryUsage(String pattern) {
    Response page =
        send(Request.cmd(Command.SCAN).arg(0).arg("MATCH").arg(pattern).arg("COUNT").arg(PAGE));
    double total = 0;
    for (Response key : page.get(1)) {
      total += memoryUsage(key.toString());
    }
    return total / page.get(1).size();
  }

  private long memoryUsage(String key) {
    return send(Request.cmd(Command.MEMORY).arg("USAGE").arg(key).arg("SAMPLES").arg(0)).toLong();
  }

  /**
   * Slots of the key table and the expiry table, both of each while one is being rehashed ({@code
   * DEBUG HTSTATS}: one "table size" line per table that is not empty; the sentinel key keeps both
   * non-empty).
   */
  private long tableSlots() {
    return send(Request.cmd(Command.DEBUG).arg("HTSTATS").arg(0))
        .toString()
        .lines()
        .map(String::strip)
        .filter(line -> line.startsWith("table size:"))
        .mapToLong(line -> Long.parseLong(line.substring("table size:".length()).strip()))
        .sum();
  }

  /**
   * Waits until no table is being rehashed into a larger one: the server moves its entries a
   * millisecond every 100 ms when no command touches the table.
   */
  private void awaitRehashed() {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (send(Request.cmd(Command.DEBUG).arg("HTSTATS").arg(0))
        .toString()
        .contains("rehashing")) {
      assertThat(System.nanoTime()).as("rehashed within 10 s").isLessThan(deadline);
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
  }

  private long usedMemory() {
    return MemorySampler.field(
        send(Request.cmd(Command.INFO).arg("memory")).toString(), "used_memory");
  }

  /** A figure of database 0 in {@code INFO keyspace}: {@code keys}, or {@code expires}. */
  private long keyspace(String figure) {
    String db =
        send(Request.cmd(Command.INFO).arg("keyspace"))
            .toString()
            .lines()
            .filter(line -> line.startsWith("db0:"))
            .findFirst()
            .orElseThrow();
    for (String pair : db.substring("db0:".length()).split(",")) {
      if (pair.startsWith(figure + "=")) {
        return Long.parseLong(pair.substring(figure.length() + 1));
      }
    }
    throw new IllegalStateException("INFO keyspace has no " + figure + ": " + db);
  }

  private Response send(Request request) {
    return Await.result(redis.send(request));
  }
}
