package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.infrafabric.platform.testing.HttpTestClient;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCI image tar {@code mvn -pl deploy -am verify -Pimage} builds (the profile sets {@value
 * #TAR_PROPERTY}; without it this class is skipped): its configuration as a container runtime reads
 * it, its layers as a runtime unpacks them, and its entrypoint run on that filesystem in a chroot
 * (an unprivileged user namespace, where the machine allows one) against a real redis-server, with
 * the Compose file's health check run the same way.
 *
 * <p>Not checked here: that a container runtime starts it as user 65532 (the chroot runs as the
 * namespace's root), with its own network and {@code /etc/resolv.conf}.
 */
@Timeout(180)
@EnabledIfSystemProperty(named = OciImageTest.TAR_PROPERTY, matches = ".+")
class OciImageTest {

  static final String TAR_PROPERTY = "infrafabric.image.tar";

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  @TempDir static Path directory;
  private static JsonObject config;
  private static Path rootfs;

  @BeforeAll
  static void unpack() throws Exception {
    Path layout = Files.createDirectories(directory.resolve("layout"));
    untar(Path.of(System.getProperty(TAR_PROPERTY)), layout, "-xf");
    JsonObject index = json(layout.resolve("index.json"));
    JsonObject manifest =
        blob(layout, index.getJsonArray("manifests").getJsonObject(0).getString("digest"));
    config = blob(layout, manifest.getJsonObject("config").getString("digest"));
    rootfs = Files.createDirectories(directory.resolve("rootfs"));
    for (Object layer : manifest.getJsonArray("layers")) {
      JsonObject described = (JsonObject) layer;
      assertThat(described.getString("mediaType"))
          .isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
      untar(blobPath(layout, described.getString("digest")), rootfs, "-xzf");
    }
  }

  @Test
  void runsAsAnUnprivilegedUserWithTheServiceAsEntrypointAndBothPortsExposed() throws IOException {
    JsonObject container = config.getJsonObject("config");
    assertThat(config.getString("os")).isEqualTo("linux");
    assertThat(container.getString("User")).isEqualTo("65532:65532");
    assertThat(strings(container.getJsonArray("Entrypoint")))
        .startsWith("/opt/java/bin/java")
        .endsWith("-cp", "@/app/jib-classpath-file", "com.infrafabric.deploy.Launcher");
    assertThat(strings(container.getJsonArray("Cmd"))).containsExactly("serve");
    assertThat(container.getJsonObject("ExposedPorts").fieldNames())
        .containsExactlyInAnyOrder("8080/tcp", "8081/tcp");
    assertThat(strings(container.getJsonArray("Env")))
        .contains(
            "IF_HTTP_HOST=0.0.0.0",
            "IF_CHASSIS_HTTP_HOST=0.0.0.0",
            "IF_DATA_DIR=/var/lib/infrafabric",
            "IF_REDIS_EMBEDDED=false");
    assertThat(Files.readString(rootfs.resolve("etc/passwd")))
        .contains("infrafabric:x:65532:65532:");
    assertThat(rootfs.resolve("opt/java/bin/java")).isExecutable();
    assertThat(rootfs.resolve("lib64/ld-linux-x86-64.so.2")).isExecutable();
    assertThat(Files.readString(rootfs.resolve("opt/java/release")))
        .contains("java.base", "jdk.crypto.ec")
        .doesNotContain("jdk.compiler", "jdk.jshell");
    assertThat(Files.size(rootfs.resolve("opt/java/lib/security/cacerts"))).isPositive();
  }

  @Test
  void theEntrypointServesBothServicesReadyOnRedisAndRefusesToStartWithoutIt() throws Exception {
    Assumptions.assumeTrue(
        userNamespaces(), "unshare -r (unprivileged user namespaces) is not allowed here");
    int governorPort = LocalServe.freePort();
    int chassisPort = LocalServe.freePort();
    Map<String, String> env = imageEnvironment();
    env.put("IF_HTTP_PORT", Integer.toString(governorPort));
    env.put("IF_CHASSIS_HTTP_PORT", Integer.toString(chassisPort));

    Process refused = runEntrypoint(env, directory.resolve("refused.log"));
    try {
      assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      stop(refused);
    }
    assertThat(refused.exitValue()).isEqualTo(2);
    assertThat(Files.readString(directory.resolve("refused.log")))
        .contains("redis.embedded is false but neither REDIS_URL nor redis.url");

    env.put("REDIS_URL", LocalServe.redisUrl(REDIS.endpoint()));
    Process serving = runEntrypoint(env, directory.resolve("serve.log"));
    try {
      for (int port : List.of(governorPort, chassisPort)) {
        HttpTestClient probe = new HttpTestClient(port);
        Awaitility.await()
            .atMost(Duration.ofSeconds(90))
            .ignoreExceptions()
            .until(() -> probe.get("/health/ready", null).statusCode() == 200);
        assertThat(probe.get("/health/live", null).statusCode()).isEqualTo(200);
      }
      Process check =
          inImage(
              composeHealthCheck(governorPort, chassisPort), env, directory.resolve("check.log"));
      try {
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
      } finally {
        stop(check);
      }
      assertThat(check.exitValue()).as(Files.readString(directory.resolve("check.log"))).isZero();
    } finally {
      stop(serving);
    }
  }

  /**
   * The command of the Compose file's health check, run in the image, with the ports this test's
   * service listens on in place of the defaults.
   */
  private static List<String> composeHealthCheck(int governorPort, int chassisPort)
      throws IOException {
    JsonNode test =
        new YAMLMapper()
            .readTree(Path.of("docker-compose.yml").toFile())
            .at("/services/infrafabric/healthcheck/test");
    List<String> command = new ArrayList<>();
    test.forEach(arg -> command.add(arg.asText()));
    assertThat(command.remove(0)).isEqualTo("CMD");
    return command.stream()
        .map(arg -> arg.replace(":8080/", ":" + governorPort + "/"))
        .map(arg -> arg.replace(":8081/", ":" + chassisPort + "/"))
        .toList();
  }

  /** The image's environment, as a container runtime would set it. */
  private static Map<String, String> imageEnvironment() {
    Map<String, String> env = new HashMap<>();
    for (Object entry : config.getJsonObject("config").getJsonArray("Env")) {
      String[] nameAndValue = entry.toString().split("=", 2);
      env.put(nameAndValue[0], nameAndValue[1]);
    }
    return env;
  }

  /**
   * The image's entrypoint and command, chrooted into its unpacked layers with /proc mounted (the
   * dynamic loader resolves the runtime's {@code $ORIGIN} through it), as namespace root.
   */
  private static Process runEntrypoint(Map<String, String> env, Path log) throws IOException {
    JsonObject container = config.getJsonObject("config");
    List<String> command = new ArrayList<>(strings(container.getJsonArray("Entrypoint")));
    command.addAll(strings(container.getJsonArray("Cmd")));
    return inImage(command, env, log);
  }

  /** Runs {@code command} chrooted in the unpacked image with {@code env} as its environment. */
  private static Process inImage(List<String> command, Map<String, String> env, Path log)
      throws IOException {
    List<String> chrooted =
        new ArrayList<>(
            List.of(
                onPath("unshare"),
                "-rmpf",
                "--kill-child",
                onPath("sh"),
                "-c",
                "root=$1 mount=$2 chroot=$3; shift 3;"
                    + " \"$mount\" -t proc proc \"$root/proc\" && exec \"$chroot\" \"$root\" \"$@\"",
                "sh",
                rootfs.toString(),
                onPath("mount"),
                onPath("chroot")));
    chrooted.addAll(command);
    Files.createDirectories(rootfs.resolve("proc"));
    ProcessBuilder builder = new ProcessBuilder(chrooted).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    return builder.start();
  }

  /**
   * Stops the service: {@code unshare --fork} ignores SIGTERM, so it goes to the service under it,
   * which drains and exits, and unshare with it.
   */
  private static void stop(Process wrapper) throws InterruptedException {
    wrapper.descendants().forEach(ProcessHandle::destroy);
    if (!wrapper.waitFor(30, TimeUnit.SECONDS)) {
      wrapper.descendants().forEach(ProcessHandle::destroyForcibly);
      wrapper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Where this machine's {@code PATH} has {@code name}: the image's own PATH replaces it. */
  private static String onPath(String name) {
    return Stream.of(System.getenv("PATH").split(":"))
        .map(directory -> Path.of(directory, name))
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " is not on PATH"))
        .toString();
  }

  private static List<String> strings(JsonArray array) {
    return array.stream().map(Object::toString).toList();
  }

  private static boolean userNamespaces() throws Exception {
    Process probe =
        new ProcessBuilder(onPath("unshare"), "-rmpf", "--kill-child", "true")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
  }

  private static void untar(Path archive, Path into, String mode) throws Exception {
    Process tar =
        new ProcessBuilder(
                "tar",
                "--warning=no-unknown-keyword",
                mode,
                archive.toString(),
                "-C",
                into.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(tar.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).as(output).isZero();
  }

  private static JsonObject blob(Path layout, String digest) throws IOException {
    return json(blobPath(layout, digest));
  }

  private static Path blobPath(Path layout, String digest) {
    assertThat(digest).startsWith("sha256:");
    return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
  }

  private static JsonObject json(Path file) throws IOException {
    return new JsonObject(Files.readString(file));
  }
}
