package com.infrafabric.deploy;

import com.infrafabric.chassis.llm.GovernorHttpBudget;
import com.infrafabric.chassis.service.ChassisSettings;
import com.infrafabric.deploy.client.ConnectionOptions;
import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.pricing.PricingCatalogue;
import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.governor.service.GovernorSettings;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.platform.config.Config;
import com.infrafabric.platform.http.HttpSettings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code infrafabric serve}: starts the governor and the chassis on the configured (or embedded)
 * Redis and runs until SIGTERM or SIGINT, then stops accepting, drains in-flight requests, closes
 * the Redis client and stops the embedded server.
 *
 * <p>In local mode (no {@code auth.jwksFile}) the chassis also verifies the local governor's
 * grants, seals its vault with a local master key, answers the default pricing catalogue's models
 * with the offline provider, and reserves their cost with the governor beside it over its REST API,
 * as a {@code chassis}-role token it mints itself; so a newcomer's tools can call {@code llm} at
 * once, without network or keys. The governor's LLM gateway answers the same models with the
 * offline provider, so an agent's SDK call completes and is charged at once too. In both, a model
 * the configuration gives a hosted provider ({@code <prefix>openai.models}, {@code
 * <prefix>anthropic.models}) is left to it.
 */
final class ServeCommand {

  /** The {@code IF_} variables read by other means than the configuration, which are not typos. */
  private static final Set<String> LAUNCHER_VARIABLES =
      Stream.concat(
              Stream.of(LaunchOptions.DATA_DIRECTORY_VARIABLE, Launcher.LOG_LEVEL_VARIABLE),
              ConnectionOptions.variables().stream())
          .collect(Collectors.toUnmodifiableSet());

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
  private static final Duration BUDGET_TIMEOUT = Duration.ofSeconds(5);

  private final LaunchOptions options;
  private final Map<String, String> env;
  private final Clock clock;

  private ServeCommand(LaunchOptions options, Map<String, String> env, Clock clock) {
    this.options = options;
    this.env = env;
    this.clock = clock;
  }

  static ServeCommand of(LaunchOptions options, Map<String, String> env, Clock clock) {
    return new ServeCommand(options, env, clock);
  }

  int run(PrintStream out) {
    awaitShutdown(start(out));
    return 0;
  }

  /**
   * Reads and checks the whole configuration, starts both services, and prints where they listen
   * and (in local mode) where the tokens and keys are.
   *
   * @throws IllegalArgumentException naming the first bad configuration key
   * @throws IllegalStateException if a service did not start
   */
  Node start(PrintStream out) {
    Launcher.requireLogLevel(env);
    Config config = options.config().map(f -> Config.load(f, env)).orElse(Config.of(Map.of(), env));
    LocalKeys keys = null;
    if (config.optional("auth.jwksFile").isEmpty()) {
      keys = LocalKeys.ensure(options.dataDirectory());
      Map<String, String> local = new HashMap<>(keys.defaults(env));
      for (String prefix : List.of("chassis.llm.", "gateway.llm.")) {
        local.put(prefix + "offlineModels", String.join(",", offlineModels(config, prefix)));
      }
      config = config.withDefaults(local);
    }
    GovernorSettings governor = GovernorSettings.from(config);
    ChassisSettings chassis = ChassisSettings.from(config);
    boolean embeddedRedis = config.bool("redis.embedded", true);
    config.rejectUnknownKeys(LAUNCHER_VARIABLES);
    requireDistinctPorts(governor.platform().http(), chassis.platform().http());
    if (keys == null) {
      requireLedgerArchive(governor);
    }
    BudgetWiring budget = keys == null ? withoutBudget(chassis) : localBudget(keys, governor);

    RedisChoice redis =
        RedisChoice.choose(
            env, governor.platform().redis(), embeddedRedis, options.dataDirectory());
    LOG.info("using {}", redis.describe());
    Node node =
        Node.start(
            redis,
            governor,
            chassis,
            budget,
            redis.embedded() ? Optional.empty() : localNode(keys, governor, chassis),
            clock);
    try {
      seedPricing(node.governor().pricing());
    } catch (RuntimeException e) {
      node.stop();
      throw new IllegalStateException("the governor did not start: " + e.getMessage(), e);
    }
    printGovernor(out, governor.platform().http(), node.governor().port(), keys);
    printChassis(out, chassis.platform().http(), node.chassis().port(), keys);
    return node;
  }

  /**
   * Refuses a deployment (keys configured, so not local mode, which archives under its data
   * directory) with no ledger archive: every money request appends to its tenant's ledger stream,
   * and without an archive nothing ever trims it, so Redis fills until {@code noeviction} refuses
   * every write.
   */
  private static void requireLedgerArchive(GovernorSettings governor) {
    if (governor.ledgerArchive().directory().isEmpty()) {
      throw new IllegalArgumentException(
          "ledger.archive.directory is unset, so every tenant's ledger would grow in Redis without"
              + " bound; set it to a volume every node shares (README, Ledger archive)");
    }
  }

  private static void requireDistinctPorts(HttpSettings governor, HttpSettings chassis) {
    if (governor.port() == chassis.port()) {
      throw new IllegalArgumentException(
          "chassis.http.port "
              + chassis.port()
              + " is also the governor's http.port; give each service its own port");
    }
  }

  /**
   * Outside local mode serve holds no token the governor accepts for the chassis, so it cannot
   * reserve LLM costs; model providers are refused here rather than at the first call.
   */
  private static BudgetWiring withoutBudget(ChassisSettings chassis) {
    if (!chassis.operator().llmProviders().isEmpty()) {
      throw new IllegalArgumentException(
          "chassis.llm.* configures model providers, but serve reserves their cost with the"
              + " governor only in local mode (auth.jwksFile unset)");
    }
    return BudgetWiring.NONE;
  }

  /**
   * Which local node this is, to be recorded in an external Redis; empty outside local mode. An
   * embedded Redis is not claimed: it lives in the data directory, whose lock keeps a second node
   * away, and moves with it (a node whose directory moved is the same node).
   */
  private static Optional<LocalNode> localNode(
      LocalKeys keys, GovernorSettings governor, ChassisSettings chassis) {
    if (keys == null) {
      return Optional.empty();
    }
    List<String> vault = chassis.masterKeys().map(MasterKeys::keyIds).orElse(List.of());
    return Optional.of(
        LocalNode.of(keys.publicFile(), vault, governor.ledgerArchive().directory()));
  }

  /** The governor beside the chassis, over loopback, as a {@code chassis}-role token. */
  private BudgetWiring localBudget(LocalKeys keys, GovernorSettings governor) {
    RenewingToken token = keys.chassisToken(clock);
    String host = loopbackFor(governor.platform().http().host());
    return (vertx, service) ->
        Optional.of(
            GovernorHttpBudget.create(
                vertx, URI.create("http://" + host + ":" + service.port()), token, BUDGET_TIMEOUT));
  }

  /** Where a client on this host reaches a server bound to {@code host}, as a URL's host. */
  private static String loopbackFor(String host) {
    if (host.equals("0.0.0.0") || host.equals("::")) {
      return "127.0.0.1";
    }
    return host.contains(":") ? "[" + host + "]" : host;
  }

  private static void listening(PrintStream out, String service, HttpSettings http, int port) {
    out.println(service + " listening on http://" + http.host() + ":" + port);
    out.println("  OpenAPI document: GET /v1/openapi.json    liveness: GET /health/live");
  }

  private void printGovernor(PrintStream out, HttpSettings http, int port, LocalKeys keys) {
    listening(out, "IF.governor", http, port);
    if (keys != null) {
      out.println(
          "  platform tokens (12 h; pricing, metrics, no tenant power): "
              + keys.writeToken("admin", LocalKeys.spec("local-admin", "admin"), clock.instant())
              + " and "
              + keys.writeToken(
                  "auditor", LocalKeys.spec("local-auditor", "auditor"), clock.instant()));
      out.println(
          "  tenant tokens: infrafabric token mint "
              + mintOptions(keys)
              + " --roles admin|auditor|agent|dispatcher --scope <tenant>[/<project>...]");
    }
  }

  private void printChassis(PrintStream out, HttpSettings http, int port, LocalKeys keys) {
    listening(out, "IF.chassis", http, port);
    if (keys != null) {
      out.println(
          "  publisher and operator tokens (12 h): "
              + keys.writeToken(
                  "publisher", LocalKeys.spec("local-publisher", "publisher"), clock.instant())
              + " and "
              + keys.writeToken(
                  "operator", LocalKeys.spec("local-operator", "operator"), clock.instant()));
      out.println(
          "  sign a contract: infrafabric contract sign --module TOOL.wasm --contract TOOL.json"
              + " --private "
              + keys.publisherPrivateFile());
      out.println(
          "  agent tokens: infrafabric token mint "
              + mintOptions(keys)
              + " --roles agent --scope <tenant> --list-claim tools=<name@version>");
    }
  }

  private static String mintOptions(LocalKeys keys) {
    return "--private "
        + keys.privateFile()
        + " --sub my-agent --iss "
        + LocalKeys.ISSUER
        + " --aud "
        + LocalKeys.AUDIENCE;
  }

  /**
   * A first launch on an empty Redis publishes public list prices, so reserve works at once. The
   * publish is its own check: it expects version 0 and the script compares and sets in one step.
   * Nodes starting together on one empty Redis all try; one publishes, and the others' {@code
   * VERSION_CONFLICT} means a catalogue is there, which is all they wanted: they load it instead.
   * Reading the version first and publishing after let two nodes both read 0, and the loser exit.
   *
   * @throws IllegalStateException if no catalogue could be published or loaded
   */
  static void seedPricing(PricingCatalogues pricing) {
    if (pricing.get().version() > 0) {
      return;
    }
    PricingCatalogue seeded =
        pricing
            .replace(PricingCatalogues.fromJson(defaultPricing()), 0)
            .recover(failure -> isVersionConflict(failure) ? pricing.refresh() : failed(failure))
            .await();
    if (seeded.version() == 0) {
      throw new IllegalStateException("no pricing catalogue could be published or loaded");
    }
    LOG.info("pricing catalogue version {} in use", seeded.version());
  }

  private static boolean isVersionConflict(Throwable failure) {
    return failure instanceof GovernorException refused
        && refused.code() == ErrorCode.VERSION_CONFLICT;
  }

  private static Future<PricingCatalogue> failed(Throwable failure) {
    return Future.failedFuture(failure);
  }

  /**
   * The models of the default pricing catalogue the providers under {@code prefix} do not name: the
   * offline provider answers them locally.
   */
  private static List<String> offlineModels(Config config, String prefix) {
    List<String> hosted = new ArrayList<>(config.list(prefix + "openai.models"));
    hosted.addAll(config.list(prefix + "anthropic.models"));
    return pricedModels().stream().filter(model -> !hosted.contains(model)).toList();
  }

  /** The models of the default pricing catalogue, which the offline provider answers locally. */
  private static List<String> pricedModels() {
    return defaultPricing().stream().map(entry -> ((JsonObject) entry).getString("model")).toList();
  }

  private static JsonArray defaultPricing() {
    try (InputStream in = ServeCommand.class.getResourceAsStream("/default-pricing.json")) {
      if (in == null) {
        throw new IllegalStateException("default-pricing.json is missing from the distribution");
      }
      return new JsonArray(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void awaitShutdown(Node node) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("shutting down: draining in-flight requests");
                  node.stop();
                  LOG.info("stopped");
                  stopped.countDown();
                },
                "infrafabric-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
