package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.infrafabric.governor.service.GovernorService;
import com.infrafabric.platform.http.HttpSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Regression: the systemd unit, the Kubernetes Deployment and the Compose file each gave a stopping
 * node 30 s before SIGKILL, while {@link Node#stop()} may take both drains (the chassis's, then the
 * governor's {@code http.shutdownGrace}, 10 s each by default) and then up to {@link
 * GovernorService#SETTLE_TIMEOUT} for the gateway's settlements: 50 s. A node killed in between
 * leaves settlements unanswered and the store unclosed. The timeouts are checked against those
 * settings, so that a longer grace or wait cannot silently outgrow them.
 */
class StopTimeoutsTest {

  /** What closing the store, Vert.x and the JVM may take after the services stopped. */
  private static final Duration CLOSE_MARGIN = Duration.ofSeconds(10);

  private static final Duration LONGEST_STOP =
      HttpSettings.defaults()
          .shutdownGrace()
          .multipliedBy(2)
          .plus(GovernorService.SETTLE_TIMEOUT)
          .plus(CLOSE_MARGIN);

  @Test
  void theSystemdUnitWaitsForTheWholeStop() throws IOException {
    String timeout =
        Files.readAllLines(Path.of("src/main/dist/systemd/infrafabric.service")).stream()
            .filter(line -> line.startsWith("TimeoutStopSec="))
            .map(line -> line.substring("TimeoutStopSec=".length()))
            .findFirst()
            .orElseThrow();

    assertThat(Duration.ofSeconds(Long.parseLong(timeout))).isGreaterThanOrEqualTo(LONGEST_STOP);
  }

  @Test
  void theKubernetesDeploymentWaitsForTheWholeStopOfItsOwnGraces() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Duration grace = Duration.ZERO;
    long terminationSeconds = -1;
    for (JsonNode document :
        yaml.readValues(
                new YAMLFactory().createParser(Path.of("k8s/infrafabric.yaml").toFile()),
                JsonNode.class)
            .readAll()) {
      String kind = document.get("kind").asText();
      if (kind.equals("ConfigMap")) {
        grace = graces(document.at("/data/infrafabric.properties").asText());
      } else if (kind.equals("Deployment")) {
        terminationSeconds =
            document.at("/spec/template/spec/terminationGracePeriodSeconds").asLong();
      }
    }

    assertThat(Duration.ofSeconds(terminationSeconds))
        .isGreaterThanOrEqualTo(grace.plus(GovernorService.SETTLE_TIMEOUT).plus(CLOSE_MARGIN))
        .isGreaterThanOrEqualTo(LONGEST_STOP);
  }

  @Test
  void theComposeServiceWaitsForTheWholeStop() throws IOException {
    String period =
        new YAMLMapper()
            .readTree(Path.of("docker-compose.yml").toFile())
            .at("/services/infrafabric/stop_grace_period")
            .asText();

    assertThat(period).endsWith("s");
    assertThat(Duration.ofSeconds(Long.parseLong(period.substring(0, period.length() - 1))))
        .isGreaterThanOrEqualTo(LONGEST_STOP);
  }

  /** Both services' {@code shutdownGrace} in a properties text (whole seconds, as shipped). */
  private static Duration graces(String properties) {
    return properties
        .lines()
        .filter(line -> line.matches("(chassis\\.)?http\\.shutdownGrace=\\d+s"))
        .map(line -> Duration.ofSeconds(Long.parseLong(line.replaceAll("\\D", ""))))
        .reduce(Duration.ZERO, Duration::plus);
  }
}
