package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.platform.redis.ManagedRedisServer;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.testing.RawConnection;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.wire.reservation.ReservationWire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup} of a Redis that a running {@code serve} is charging against, and {@code restore}
 * of it into a fresh redis-server: a second {@code serve} on the restored data finds every budget,
 * ledger entry, agent, tool and credential that existed before the backup began, none of what was
 * reserved after it returned, and the ledger reconciles with the counters.
 */
@Timeout(240)
class BackupRestoreTest {

  private static final List<String> TENANTS = List.of("acme", "globex", "initech");
  private static final String SECRET = "sk-backup-test-secret-0123456789abcdef";

  @RegisterExtension static final RedisServerExtension SOURCE = RedisServerExtension.create();

  @TempDir Path directory;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void aBackupTakenUnderLoadRestoresEverythingCommittedBeforeItAndReconciles() throws Exception {
    Path backup = directory.resolve("backup");
    Set<String> committedBefore;
    Set<String> reservedAfter;
    try (LocalServe serve =
        LocalServe.start(directory, Map.of("REDIS_URL", LocalServe.redisUrl(SOURCE.endpoint())))) {
      populate(serve);
      try (Load load = new Load(serve)) {
        load.awaitCommits(20);
        committedBefore = load.committedSoFar();
        assertThat(run(SOURCE.endpoint(), "backup", "--out", backup.toString())).as(err()).isZero();
        load.backupReturned();
        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> load.reservedAfterBackup().size() >= 5);
        reservedAfter = load.reservedAfterBackup();
      }
    }
    assertThat(out()).startsWith("backed up redis://:***@127.0.0.1:").doesNotContain(SECRET);
    JsonObject manifest = new JsonObject(Files.readString(backup.resolve("manifest.json")));
    assertThat(manifest.getJsonObject("keys").getJsonObject("by_prefix").getMap())
        .containsKeys("gov:{*}:ledger");
    assertThat(Files.readString(backup.resolve("dump.rdb"), StandardCharsets.ISO_8859_1))
        .doesNotContain(SECRET);

    try (ManagedRedisServer fresh =
        ManagedRedisServer.builder(directory.resolve("fresh")).build()) {
      fresh.start();
      assertThat(run(fresh.endpoint(), "restore", "--from", backup.toString())).as(err()).isZero();
      assertThat(out()).contains("counts by type and prefix match the snapshot");
      try (LocalServe restored =
          LocalServe.start(directory, Map.of("REDIS_URL", LocalServe.redisUrl(fresh.endpoint())))) {
        Set<String> restoredLedger = new HashSet<>();
        for (String tenant : TENANTS) {
          assertIntact(restored, tenant);
          restoredLedger.addAll(ledgerReferences(restored, tenant));
        }
        assertThat(restoredLedger).containsAll(committedBefore);
        assertThat(restoredLedger).doesNotContainAnyElementsOf(reservedAfter);
        assertToolAndCredentialIntact(restored);
      }
    }
  }

  @Test
  void aUserWithOnlyTheDocumentedPermissionsCanBackUp() throws Exception {
    RedisEndpoint admin = SOURCE.endpoint();
    try (RawConnection redis = RawConnection.open(admin.port())) {
      redis.send(
          "AUTH "
              + admin.password()
              + "\r\n"
              + "ACL SETUSER backup on >backup-password +sync +replconf +info +select\r\n");
      assertThat(redis.statusLine().strip()).isEqualTo("+OK");
      assertThat(redis.statusLine().strip()).isEqualTo("+OK");
    }
    RedisEndpoint backupUser =
        new RedisEndpoint(admin.host(), admin.port(), "backup", "backup-password", false, 0);

    assertThat(run(backupUser, "backup", "--out", directory.resolve("acl").toString()))
        .as(err())
        .isZero();
    assertThat(out()).startsWith("backed up redis://backup:***@");
  }

  @Test
  void aRefusedPasswordIsNamedButNeverShown() {
    RedisEndpoint source = SOURCE.endpoint();
    RedisEndpoint wrong = new RedisEndpoint(source.host(), source.port(), "wrong-canary-password");

    assertThat(run(wrong, "backup", "--out", directory.resolve("refused").toString())).isNotZero();
    assertThat(err()).contains("redis://:***@").doesNotContain("wrong-canary-password");
    assertThat(out()).doesNotContain("wrong-canary-password");
  }

  @Test
  void restoreToTheDirectoryOfAStoppedServerMovesItsDataAsideOnlyWhenForced() throws Exception {
    RedisEndpoint source = SOURCE.endpoint();
    try (RawConnection redis = RawConnection.open(source.port())) {
      redis.send("AUTH " + source.password() + "\r\nSET stopped-restore-canary 1\r\n");
      assertThat(redis.statusLine().strip()).isEqualTo("+OK");
      assertThat(redis.statusLine().strip()).isEqualTo("+OK");
    }
    Path backup = directory.resolve("backup");
    assertThat(run(source, "backup", "--out", backup.toString())).as(err()).isZero();
    long total =
        new JsonObject(Files.readString(backup.resolve("manifest.json")))
            .getJsonObject("keys")
            .getLong("total");
    Path data = directory.resolve("stopped");
    Files.createDirectories(data.resolve("appendonlydir"));

    assertThat(run(source, "restore", "--from", backup.toString(), "--to-dir", data.toString()))
        .isEqualTo(2);
    assertThat(err()).contains("holds Redis data ([appendonlydir])");
    assertThat(
            run(
                source,
                "restore",
                "--from",
                backup.toString(),
                "--to-dir",
                data.toString(),
                "--force"))
        .as(err())
        .isZero();
    assertThat(out()).startsWith("moved aside " + data.resolve("appendonlydir.before-restore-"));
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("dump.rdb"))))
        .isEqualTo("rw-------");

    try (ManagedRedisServer stopped =
            ManagedRedisServer.builder(data).appendOnly(false).build().start();
        RawConnection redis = RawConnection.open(stopped.endpoint().port())) {
      redis.send("AUTH " + stopped.endpoint().password() + "\r\nDBSIZE\r\n");
      assertThat(redis.statusLine().strip()).isEqualTo("+OK");
      assertThat(redis.statusLine().strip()).isEqualTo(":" + total);
    }
  }

  @Test
  void restoreRefusesANonEmptyTargetAndADamagedBackup() throws Exception {
    Path backup = directory.resolve("backup");
    assertThat(run(SOURCE.endpoint(), "backup", "--out", backup.toString())).as(err()).isZero();
    assertThat(run(SOURCE.endpoint(), "backup", "--out", backup.toString())).isEqualTo(2);
    assertThat(err()).contains("is not empty");

    assertThat(run(SOURCE.endpoint(), "restore", "--from", backup.toString())).isEqualTo(2);
    assertThat(err()).contains("restore only into an empty Redis, or give --force");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(backup.resolve("dump.rdb"))))
        .isEqualTo("rw-------");

    Path sums = backup.resolve("SHA256SUMS");
    String allSums = Files.readString(sums);
    Files.writeString(
        sums,
        allSums.lines().filter(line -> line.endsWith("manifest.json")).toList().get(0) + "\n");
    try (ManagedRedisServer fresh =
        ManagedRedisServer.builder(directory.resolve("unlisted")).build()) {
      fresh.start();
      assertThat(run(fresh.endpoint(), "restore", "--from", backup.toString())).isEqualTo(2);
      assertThat(err()).contains("SHA256SUMS has no sum for dump.rdb");
    }
    Files.writeString(sums, allSums);

    byte[] snapshot = Files.readAllBytes(backup.resolve("dump.rdb"));
    snapshot[snapshot.length / 2] ^= 1;
    Files.write(backup.resolve("dump.rdb"), snapshot);
    try (ManagedRedisServer fresh =
        ManagedRedisServer.builder(directory.resolve("fresh")).build()) {
      fresh.start();
      assertThat(run(fresh.endpoint(), "restore", "--from", backup.toString())).isEqualTo(2);
      assertThat(err()).contains("dump.rdb does not match its SHA-256 in SHA256SUMS");
    }
  }

  private void populate(LocalServe serve) throws IOException {
    for (String tenant : TENANTS) {
      serve.budget(tenant);
      serve.registerAgent(tenant + "-summarizer", tenant, "gpt-4o");
    }
    byte[] module = Guests.wat(Guests.ECHO);
    HttpResponse<String> published =
        serve.register(module, Contracts.forModule("echo", module).json());
    assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
    HttpResponse<String> stored =
        serve.chassis.send(
            "PUT",
            "/v1/tenants/acme/credentials/search-key",
            serve.token("operator"),
            Map.of(),
            new JsonObject()
                .put("secret", SECRET)
                .put("allow", new JsonArray().add("https://search.example:443"))
                .put("header", "authorization")
                .put("scheme", "Bearer")
                .put("response", "status-only")
                .encode());
    assertThat(stored.statusCode()).as(stored.body()).isBetween(200, 201);
  }

  /** The tenant's budget and agent are there, and its counters agree with its ledger. */
  private static void assertIntact(LocalServe serve, String tenant) {
    String auditor = serve.tenantToken("auditor", tenant);
    HttpResponse<String> reconciliation =
        serve.governor.get("/v1/ledger/" + tenant + "/reconciliation", auditor);
    assertThat(reconciliation.statusCode()).as(reconciliation.body()).isEqualTo(200);
    assertThat(new JsonObject(reconciliation.body()).getBoolean("consistent"))
        .as(reconciliation.body())
        .isTrue();

    HttpResponse<String> budget = serve.governor.get("/v1/budgets/" + tenant, auditor);
    assertThat(budget.statusCode()).as(budget.body()).isEqualTo(200);
    assertThat(budget.body()).contains("5000000");

    HttpResponse<String> agent =
        serve.governor.get("/v1/agents/" + tenant + "/" + tenant + "-summarizer", auditor);
    assertThat(agent.statusCode()).as(agent.body()).isEqualTo(200);
  }

  private static Set<String> ledgerReferences(LocalServe serve, String tenant) {
    String auditor = serve.tenantToken("auditor", tenant);
    Set<String> references = new HashSet<>();
    String cursor = null;
    do {
      String query = "?limit=1000" + (cursor == null ? "" : "&cursor=" + encode(cursor));
      HttpResponse<String> page = serve.governor.get("/v1/ledger/" + tenant + query, auditor);
      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      JsonObject body = new JsonObject(page.body());
      body.getJsonArray("entries")
          .forEach(entry -> references.add(((JsonObject) entry).getString("reference")));
      cursor = body.getString("next_cursor");
    } while (cursor != null);
    return references;
  }

  private static void assertToolAndCredentialIntact(LocalServe serve) {
    HttpResponse<String> tools = serve.chassis.get("/v1/tools", serve.token("operator"));
    assertThat(tools.statusCode()).as(tools.body()).isEqualTo(200);
    assertThat(tools.body()).contains("\"echo\"");
    HttpResponse<String> credentials =
        serve.chassis.get("/v1/tenants/acme/credentials", serve.token("operator"));
    assertThat(credentials.statusCode()).as(credentials.body()).isEqualTo(200);
    assertThat(credentials.body()).contains("search-key").doesNotContain(SECRET);
  }

  /** Reserve + commit on every tenant from two threads until closed. */
  private static final class Load implements AutoCloseable {
    private final LocalServe serve;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger sequence = new AtomicInteger();
    private final Set<String> committed = ConcurrentHashMap.newKeySet();
    private final Set<String> reservedAfter = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean backupReturned = new AtomicBoolean();
    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final List<Future<?>> workers;

    Load(LocalServe serve) {
      this.serve = serve;
      this.workers = List.of(threads.submit(this::work), threads.submit(this::work));
    }

    private Void work() {
      while (running.get()) {
        boolean afterBackup = backupReturned.get();
        int n = sequence.incrementAndGet();
        String tenant = TENANTS.get(n % TENANTS.size());
        String agent = serve.tenantToken("agent", tenant);
        HttpResponse<String> reserved =
            send(
                "POST",
                ReservationWire.RESERVATIONS,
                agent,
                Map.of(ReservationWire.IDEMPOTENCY_HEADER, "load-" + n),
                "{\"scope\":\""
                    + tenant
                    + "/load\",\"model\":\"gpt-4o\",\"input_tokens\":100,"
                    + "\"max_output_tokens\":50}");
        assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(201);
        String id = new JsonObject(reserved.body()).getString(ReservationWire.RESERVATION_ID);
        if (afterBackup) {
          reservedAfter.add(id);
        }
        HttpResponse<String> commit =
            send(
                "POST",
                ReservationWire.commitPath(id),
                agent,
                Map.of(ReservationWire.IDEMPOTENCY_HEADER, "load-commit-" + n),
                "{\"model\":\"gpt-4o\",\"input_tokens\":100,\"output_tokens\":20}");
        assertThat(commit.statusCode()).as(commit.body()).isEqualTo(200);
        committed.add(id);
      }
      return null;
    }

    /**
     * Sends until the answer is not 429: the load is meant to run through the backup, not to test
     * the rate limit, and a retry with the same idempotency key is safe.
     */
    private HttpResponse<String> send(
        String method, String path, String token, Map<String, String> headers, String body) {
      HttpResponse<String> answer = serve.governor.send(method, path, token, headers, body);
      while (answer.statusCode() == 429) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        answer = serve.governor.send(method, path, token, headers, body);
      }
      return answer;
    }

    /** From now on, reservations are counted as made after the backup. */
    void backupReturned() {
      backupReturned.set(true);
    }

    Set<String> reservedAfterBackup() {
      return Set.copyOf(reservedAfter);
    }

    Set<String> committedSoFar() {
      return Set.copyOf(committed);
    }

    void awaitCommits(int count) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> committed.size() >= count || workers.stream().anyMatch(Future::isDone));
      assertThat(committed).hasSizeGreaterThanOrEqualTo(count);
    }

    @Override
    public void close() throws ExecutionException, TimeoutException {
      running.set(false);
      try {
        for (Future<?> worker : workers) {
          worker.get(60, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        threads.shutdownNow();
      }
    }
  }

  private int run(RedisEndpoint redis, String... args) {
    out.reset();
    err.reset();
    return Launcher.run(
        new CliContext(
            Map.of("REDIS_URL", LocalServe.redisUrl(redis)),
            Clock.systemUTC(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)),
        args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
