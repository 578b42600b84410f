package com.infrafabric.deploy;

import com.infrafabric.platform.auth.SigningKey;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code infrafabric demo}: launches both services exactly as {@code serve} does (embedded
 * redis-server unless {@code REDIS_URL} is set, local keys) in a fresh temporary directory, runs
 * {@link DemoScenario} against their REST APIs, prints {@link DemoReport}, and stops everything.
 * Exits 0 only if every invariant holds. An external Redis must be empty, and keeps the demo's data
 * ({@link #requireEmptyExternalRedis}).
 *
 * <p>The only configuration it adds to a plain launch is the operator's explicit egress exemption
 * for its own loopback search API, which tools must be able to reach, and a higher request rate for
 * agents and dispatchers, whose latency measurement sends thousands of requests a minute.
 */
final class DemoCommand {

  private final Map<String, String> env;
  private final Clock clock;

  DemoCommand(Map<String, String> env, Clock clock) {
    this.env = env;
    this.clock = clock;
  }

  int run(PrintStream out) throws InterruptedException {
    return run(out, scrapes -> {});
  }

  /**
   * Runs the demo; {@code scrapes} receives each service's Prometheus scrape taken after the
   * scenario (by service name), whose sizes the summary's last line reports.
   */
  int run(PrintStream out, Consumer<Map<String, String>> scrapes) throws InterruptedException {
    requireEmptyExternalRedis();
    Path data = temporaryDirectory();
    String secret = DemoScenario.newSecret();
    try (SearchApi search = new SearchApi(secret).start()) {
      ServeCommand serve =
          ServeCommand.of(LaunchOptions.of(null, data, Map.of()), demoEnv(search.port()), clock);
      // serve's banner names tokens and keys in a directory the demo deletes when it ends.
      Node node = serve.start(new PrintStream(OutputStream.nullOutputStream()));
      try {
        out.printf(
            "governor on http://127.0.0.1:%d, chassis on http://127.0.0.1:%d, search API on %s%n",
            node.governor().port(), node.chassis().port(), search.origin());
        LocalKeys keys = LocalKeys.ensure(data);
        TokenMinter operator = TokenMinter.load(keys.privateFile());
        ApiClient governor = new ApiClient(node.governor().port());
        DemoScenario scenario =
            new DemoScenario(
                governor,
                new ApiClient(node.chassis().port()),
                operator,
                new DemoTools(SigningKey.load(keys.publisherPrivateFile()), search.origin()),
                search,
                secret,
                clock);
        DemoRun run = scenario.run();
        String auditor =
            operator.mint(
                LocalKeys.spec("demo-auditor", "auditor").withScope(DemoScenario.TENANT),
                clock.instant());
        // The remaining-budget gauge refreshes every 30 s; the scrape shows the demo's end state.
        node.governor().budgetGauges().refresh().await();
        Map<String, String> scraped =
            scrape(governor, new ApiClient(node.chassis().port()), operator);
        boolean held = new DemoReport(run, governor, auditor, search, secret).print(out);
        out.printf(
            "Metrics scraped after the demo: governor %.1f KB, chassis %.1f KB%n",
            scraped.get("governor").length() / 1024.0, scraped.get("chassis").length() / 1024.0);
        scrapes.accept(scraped);
        return held ? 0 : 1;
      } finally {
        node.stop();
      }
    } finally {
      deleteRecursively(data);
    }
  }

  /**
   * Refuses an external Redis ({@code REDIS_URL}) that holds any key. The demo leaves what it wrote
   * there (its tenant's budgets, ledger and tasks, its tools and agents, the pricing catalogue and
   * the scripts): removing it afterwards could not tell its keys from those another writer added in
   * the meantime, and on a Redis that already held data it would mix a demo tenant into real
   * budgets. The embedded server, in the demo's temporary directory, goes with that directory.
   *
   * @throws IllegalStateException naming how many keys the Redis holds
   */
  private void requireEmptyExternalRedis() {
    String url = env.get("REDIS_URL");
    if (url == null || url.isBlank()) {
      return;
    }
    Vertx vertx = Vertx.vertx();
    try (RedisStore store =
        RedisStore.create(
            vertx, RedisSettings.of(RedisEndpoint.parse(url)), new SimpleMeterRegistry())) {
      long keys = store.keyCount().await();
      if (keys > 0) {
        throw new IllegalStateException(
            "REDIS_URL names a Redis that holds "
                + keys
                + " keys; the demo runs only on an empty one, since it leaves its data there:"
                + " point REDIS_URL at an empty database, or unset it to use a private"
                + " redis-server");
      }
    } finally {
      vertx.close().await();
    }
  }

  /** Each service's scrape, as a platform auditor (governor) and operator (chassis) read it. */
  private Map<String, String> scrape(ApiClient governor, ApiClient chassis, TokenMinter minter) {
    String auditor = minter.mint(LocalKeys.spec("demo-scraper", "auditor"), clock.instant());
    String operator = minter.mint(LocalKeys.spec("demo-scraper", "operator"), clock.instant());
    return Map.of(
        "governor",
        governor.text("/metrics", auditor),
        "chassis",
        chassis.text("/metrics", operator));
  }

  /** The launch environment plus two free ports and the egress exemption for the search API. */
  private Map<String, String> demoEnv(int searchPort) {
    Map<String, String> demo = new HashMap<>(env);
    demo.put("IF_HTTP_PORT", Integer.toString(freePort()));
    demo.put("IF_CHASSIS_HTTP_PORT", Integer.toString(freePort()));
    demo.put("IF_CHASSIS_EGRESS_ALLOWED_SCHEMES", "http,https");
    demo.put("IF_CHASSIS_EGRESS_ALLOWED_PORTS", "80,443," + searchPort);
    demo.put("IF_CHASSIS_EGRESS_TRUSTED_TARGETS", "127.0.0.1/32:" + searchPort);
    // The latency measurement sends thousands of requests a minute as one agent and one dispatcher.
    demo.put("IF_RATELIMIT_ROLES", "agent,dispatcher");
    demo.put("IF_RATELIMIT_ROLE_AGENT_CAPACITY", "100000");
    demo.put("IF_RATELIMIT_ROLE_DISPATCHER_CAPACITY", "100000");
    return demo;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("infrafabric-demo-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the demo's directory", e);
    }
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean up " + root, e);
    }
  }
}
