package com.infrafabric.chassis.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.testing.PrometheusConventions;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The chassis's scrape after real traffic follows Prometheus conventions and stays small. */
@Timeout(120)
class PrometheusScrapeTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  @TempDir Path directory;

  @Test
  void aScrapeAfterTrafficIsConventionalAndSmall() {
    try (ChassisServiceRig rig = new ChassisServiceRig(REDIS.endpoint(), directory, Map.of())) {
      byte[] echo = Guests.wat(Guests.ECHO);
      assertThat(rig.register(echo, Contracts.forModule("echo", echo)).statusCode()).isEqualTo(201);
      String agent = rig.agent("acme", "echo");
      for (int i = 0; i < 60; i++) {
        rig.invoke(agent, "echo", "1.0.0", "hello " + i);
      }
      rig.invoke(agent, "echo", "9.9.9", "no such version");

      HttpResponse<String> scrape = rig.http.get("/metrics", rig.operator());

      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body()).contains("chassis_invocation_duration_seconds_bucket");
      PrometheusConventions.assertConventional(scrape.body(), 48 * 1024);
    }
  }
}
