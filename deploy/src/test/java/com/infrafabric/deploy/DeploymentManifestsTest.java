package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.infrafabric.chassis.service.ChassisSettings;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.platform.auth.SigningKeyPair;
import com.infrafabric.platform.http.HttpSettings;
import com.infrafabric.platform.testing.HttpTestClient;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Compose file and the Kubernetes manifests under {@code deploy/}, checked against the real
 * service as far as this machine allows (no Docker daemon, no cluster): the manifests' own
 * configuration starts {@code serve}, and every health check and probe they declare, sent without a
 * token to the port it names, answers 200. Also the shape an operator relies on: the image the
 * profile builds, AOF on, probes on both ports, limits, a disruption budget, Redis from a Secret.
 */
@Timeout(180)
class DeploymentManifestsTest {

  private static final Path COMPOSE = Path.of("docker-compose.yml");
  private static final Path KUBERNETES = Path.of("k8s/infrafabric.yaml");
  private static final String KEYS = "/etc/infrafabric/keys/";
  private static final String LEDGER = "/var/lib/infrafabric-ledger";
  private static final int GOVERNOR = HttpSettings.defaults().port();
  private static final int CHASSIS = ChassisSettings.DEFAULT_PORT;

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  @TempDir static Path directory;
  private static Node node;
  private static Map<Integer, Integer> hostPorts;
  private static JsonNode compose;
  private static Map<String, JsonNode> kubernetes;
  private static Map<String, String> env;
  private static Path withoutArchive;

  /** Starts serve with the ConfigMap's properties, its key files generated here. */
  @BeforeAll
  static void serveTheKubernetesConfiguration() throws IOException {
    compose = new YAMLMapper().readTree(COMPOSE.toFile());
    kubernetes = new HashMap<>();
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    yaml.readValues(new YAMLFactory().createParser(KUBERNETES.toFile()), JsonNode.class)
        .readAll()
        .forEach(document -> kubernetes.put(document.get("kind").asText(), document));

    Path keys = Files.createDirectories(directory.resolve("keys"));
    SigningKeyPair tokens = SigningKeyPair.generate("ES256");
    tokens.write(keys.resolve("signing-private.json"), keys.resolve("jwks.json"));
    Files.copy(keys.resolve("jwks.json"), keys.resolve("operator-jwks.json"));
    Files.copy(keys.resolve("jwks.json"), keys.resolve("publishers-jwks.json"));
    SigningKeyPair.generate("ES256")
        .write(keys.resolve("grant-private.json"), keys.resolve("grant-jwks.json"));
    String properties =
        kubernetes
            .get("ConfigMap")
            .at("/data/infrafabric.properties")
            .asText()
            .replace(KEYS, keys.toString() + "/")
            .replace(LEDGER, directory.resolve("ledger").toString());
    Path config = Files.writeString(directory.resolve("infrafabric.properties"), properties);
    withoutArchive =
        Files.writeString(
            directory.resolve("without-archive.properties"),
            properties.replaceAll("(?m)^ledger\\.archive\\.directory=.*$", ""));

    hostPorts = Map.of(GOVERNOR, LocalServe.freePort(), CHASSIS, LocalServe.freePort());
    env = new HashMap<>();
    env.put("REDIS_URL", LocalServe.redisUrl(REDIS.endpoint()));
    env.put("IF_CHASSIS_VAULT_MASTER_KEYS", vaultKeys());
    env.put("IF_HTTP_PORT", hostPorts.get(GOVERNOR).toString());
    env.put("IF_CHASSIS_HTTP_PORT", hostPorts.get(CHASSIS).toString());
    env.put("IF_REDIS_EMBEDDED", "false");
    node =
        ServeCommand.of(
                LaunchOptions.of(config, directory.resolve("data"), env), env, Clock.systemUTC())
            .start(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.stop();
    }
  }

  @Test
  void kubernetesProbesNeedNoTokenAndAnswerOnThePortsTheyName() {
    JsonNode container = container();
    Map<String, Integer> namedPorts = new HashMap<>();
    container
        .get("ports")
        .forEach(p -> namedPorts.put(p.get("name").asText(), p.get("containerPort").asInt()));
    assertThat(namedPorts)
        .containsExactlyInAnyOrderEntriesOf(Map.of("governor", GOVERNOR, "chassis", CHASSIS));

    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      JsonNode get = container.at("/" + probe + "/httpGet");
      assertThat(get.has("httpHeaders")).as(probe + " sends no token").isFalse();
      int port = namedPorts.get(get.get("port").asText());
      assertThat(status(port, get.get("path").asText())).as(probe).isEqualTo(200);
    }
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
  }

  @Test
  void kubernetesNodesAreBoundedUnprivilegedAndUseAnExternalRedisFromASecret() {
    JsonNode deployment = kubernetes.get("Deployment");
    JsonNode container = container();
    assertThat(deployment.at("/spec/replicas").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
    assertThat(container.at("/resources/limits/cpu").asText()).isNotEmpty();
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(deployment.at("/spec/template/spec/securityContext/runAsUser").asInt())
        .isEqualTo(65532);
    assertThat(container.get("image").asText()).isEqualTo(image());
    JsonNode redisUrl = env(container, "REDIS_URL");
    assertThat(redisUrl.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("infrafabric-redis");

    JsonNode labels = deployment.at("/spec/template/metadata/labels");
    assertThat(kubernetes.get("PodDisruptionBudget").at("/spec/selector/matchLabels"))
        .isEqualTo(labels);
    assertThat(kubernetes.get("PodDisruptionBudget").at("/spec/minAvailable").asInt())
        .isPositive()
        .isLessThan(deployment.at("/spec/replicas").asInt());
    assertThat(kubernetes.get("Service").at("/spec/selector")).isEqualTo(labels);
  }

  /**
   * Regression: the manifest configured shared keys (so not local mode) but no ledger archive, so
   * every tenant's ledger stream grew in Redis until {@code noeviction} refused every write.
   */
  @Test
  void kubernetesNodesArchiveTheLedgerOnOneVolumeTheyAllShare() {
    String properties = kubernetes.get("ConfigMap").at("/data/infrafabric.properties").asText();
    assertThat(properties).contains("\nledger.archive.directory=" + LEDGER + "\n");
    JsonNode mount = named(container().get("volumeMounts"), "ledger-archive");
    assertThat(mount.get("mountPath").asText()).isEqualTo(LEDGER);
    assertThat(mount.has("readOnly")).isFalse();
    JsonNode volume =
        named(kubernetes.get("Deployment").at("/spec/template/spec/volumes"), "ledger-archive");
    JsonNode claim = kubernetes.get("PersistentVolumeClaim");
    assertThat(volume.at("/persistentVolumeClaim/claimName").asText())
        .isEqualTo(claim.at("/metadata/name").asText());
    assertThat(texts(claim.at("/spec/accessModes"))).containsExactly("ReadWriteMany");
  }

  /**
   * Regression: a deployment (keys configured, so not local mode) with no ledger archive started,
   * and its ledger streams grew in Redis without bound.
   */
  @Test
  void theKubernetesConfigurationWithoutItsArchiveIsRefused() {
    Throwable refused =
        catchThrowable(
            () ->
                ServeCommand.of(
                        LaunchOptions.of(withoutArchive, directory.resolve("data"), env),
                        env,
                        Clock.systemUTC())
                    .start(
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                    .stop());

    assertThat(Launcher.exitCodeFor(refused)).isEqualTo(2);
    assertThat(refused)
        .hasMessage(
            "ledger.archive.directory is unset, so every tenant's ledger would grow in Redis"
                + " without bound; set it to a volume every node shares (README, Ledger archive)");
  }

  /**
   * The Compose node runs in local mode (no keys configured), which archives the ledger under its
   * data directory: that must be the named volume, not the container's throwaway layer.
   */
  @Test
  void composeArchivesTheLedgerInItsDataVolume() {
    JsonNode service = compose.at("/services/infrafabric");
    assertThat(service.at("/environment/IF_AUTH_JWKS_FILE").isMissingNode()).isTrue();
    assertThat(texts(service.get("volumes"))).contains("infrafabric-data:/var/lib/infrafabric");
    assertThat(compose.at("/volumes").has("infrafabric-data")).isTrue();
  }

  @Test
  void composeRunsTheBuiltImageOnAnAppendOnlyRedisWithAHealthCheckThatPasses() {
    JsonNode redis = compose.at("/services/redis");
    assertThat(texts(redis.get("command"))).containsSubsequence("--appendonly", "yes");
    JsonNode service = compose.at("/services/infrafabric");
    assertThat(service.get("image").asText()).isEqualTo(image());
    assertThat(texts(service.get("command"))).containsExactly("serve");
    assertThat(service.at("/environment/REDIS_URL").asText()).startsWith("redis://");
    assertThat(service.at("/depends_on/redis/condition").asText()).isEqualTo("service_healthy");

    List<String> check = texts(service.at("/healthcheck/test"));
    assertThat(check).startsWith("CMD", "/opt/java/bin/java");
    int probeAt = check.indexOf("probe");
    assertThat(check.subList(probeAt - 3, probeAt))
        .containsExactly("-cp", "@/app/jib-classpath-file", "com.infrafabric.deploy.Launcher");
    List<String> urls = new ArrayList<>();
    for (String url : check.subList(probeAt + 1, check.size())) {
      URI uri = URI.create(url);
      urls.add("http://127.0.0.1:" + hostPorts.get(uri.getPort()) + uri.getPath());
    }
    assertThat(urls).hasSize(2);
    Probed probed = probe(urls);
    assertThat(probed.status()).as(probed.err()).isZero();
  }

  @Test
  void theProbeFailsOnAnUnreadyOrAbsentService() throws IOException {
    int closed = LocalServe.freePort();
    Probed probed =
        probe(
            List.of(
                "http://127.0.0.1:" + hostPorts.get(GOVERNOR) + "/v1/budgets",
                "http://127.0.0.1:" + closed + "/health/ready"));
    assertThat(probed.status()).isEqualTo(1);
    assertThat(probed.err())
        .contains("/v1/budgets answered 401")
        .contains(closed + "/health/ready did not answer");
  }

  /**
   * Regression (probe): the request's timeout covers the head only, so a 200 whose body trickled
   * in, a byte every half second, held {@code probe} for as long as the server kept sending. The
   * probe's 5 s bound covers the whole answer.
   */
  @Test
  @Timeout(30)
  void theProbeFailsOnABodyThatTricklesIn() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread trickle =
          new Thread(
              () -> {
                try (Socket client = server.accept()) {
                  client.getInputStream().read(new byte[4096]);
                  OutputStream out = client.getOutputStream();
                  out.write(
                      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nx"
                          .getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                  // The rest of the body never comes; this returns when the probe gives up.
                  client.getInputStream().read();
                } catch (IOException e) {
                  // The probe gave up and closed the connection: what it should do.
                }
              });
      trickle.setDaemon(true);
      trickle.start();

      Probed probed = probe(List.of("http://127.0.0.1:" + server.getLocalPort() + "/health/ready"));

      assertThat(probed.status()).isEqualTo(1);
      assertThat(probed.err()).contains("/health/ready did not answer within 5 s");
    }
  }

  private record Probed(int status, String err) {}

  /** {@code infrafabric probe URL...}, as the Compose health check runs it. */
  private static Probed probe(List<String> urls) {
    List<String> args = new ArrayList<>(List.of("probe"));
    args.addAll(urls);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Launcher.run(
            new CliContext(
                Map.of(),
                Clock.systemUTC(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)),
            args.toArray(String[]::new));
    return new Probed(status, err.toString(StandardCharsets.UTF_8));
  }

  private static JsonNode container() {
    return kubernetes.get("Deployment").at("/spec/template/spec/containers/0");
  }

  private static JsonNode named(JsonNode array, String name) {
    for (JsonNode element : array) {
      if (element.get("name").asText().equals(name)) {
        return element;
      }
    }
    throw new AssertionError("no " + name + " in " + array);
  }

  private static JsonNode env(JsonNode container, String name) {
    for (JsonNode variable : container.get("env")) {
      if (variable.get("name").asText().equals(name)) {
        return variable;
      }
    }
    throw new AssertionError(name + " is not in the container's env");
  }

  private static int status(int containerPort, String path) {
    return new HttpTestClient(hostPorts.get(containerPort)).get(path, null).statusCode();
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(element -> texts.add(element.asText()));
    return texts;
  }

  /** The image the {@code image} profile builds: {@code infrafabric:<project version>}. */
  private static String image() {
    Properties version = new Properties();
    try (var in =
        DeploymentManifestsTest.class.getResourceAsStream("/infrafabric-version.properties")) {
      version.load(in);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return "infrafabric:" + version.getProperty("version");
  }

  private static String vaultKeys() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"test-1\",\"k\":\""
        + Base64.getUrlEncoder().withoutPadding().encodeToString(key)
        + "\"}]}";
  }
}
