package com.infrafabric.chassis.http;

import static com.infrafabric.chassis.testing.ChassisServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.Gauge;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * With every guest thread and queue slot taken, the next invocation is answered 429 at once, while
 * the event loop keeps answering: guests never run on it.
 */
@Timeout(60)
class OverloadTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir Path directory;

  @Test
  void aFullSandboxRejectsAtOnceAndTheEventLoopStaysResponsive() {
    try (ChassisServiceRig rig =
        new ChassisServiceRig(
            REDIS.endpoint(),
            directory,
            Map.of(
                "chassis.sandbox.guestThreads",
                "1",
                "chassis.sandbox.queueCapacity",
                "1",
                "chassis.sandbox.tenantSharePercent",
                "100"))) {
      byte[] spin = Guests.wat(Guests.SPIN);
      assertThat(
              rig.register(spin, Contracts.forModule("spin", spin).limit("timeoutMs", null, 1500))
                  .statusCode())
          .isEqualTo(201);
      String agent = rig.agent("acme", "spin");
      List<CompletableFuture<HttpResponse<String>>> busy =
          IntStream.range(0, 2)
              .mapToObj(
                  i -> CompletableFuture.supplyAsync(() -> rig.invoke(agent, "spin", "1.0.0", i)))
              .toList();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> gauge(rig, "chassis.admission.admitted") == 2);

      long start = System.nanoTime();
      HttpResponse<String> rejected = rig.invoke(agent, "spin", "1.0.0", 3);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(429);
      assertThat(json(rejected).getString("outcome")).isEqualTo("REJECTED_OVERLOAD");
      assertThat(json(rejected).getString("code")).isEqualTo("REJECTED_OVERLOAD");
      assertThat(rejected.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(took).isLessThan(Duration.ofMillis(500));
      long liveStart = System.nanoTime();
      assertThat(rig.http.get("/health/live", null).statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - liveStart))
          .isLessThan(Duration.ofMillis(500));

      for (CompletableFuture<HttpResponse<String>> call : busy) {
        HttpResponse<String> stopped = call.join();
        assertThat(stopped.statusCode()).as(stopped.body()).isIn(422, 504);
        assertThat(json(stopped).getString("outcome")).isIn("TIMEOUT", "CPU_LIMIT");
      }
      assertThat(rig.http.get("/metrics", rig.operator()).body())
          .containsPattern("chassis_admission_rejected_total [1-9]");
    }
  }

  private static double gauge(ChassisServiceRig rig, String name) {
    Gauge gauge = rig.meters.find(name).gauge();
    return gauge == null ? -1 : gauge.value();
  }
}
