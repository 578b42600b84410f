package com.infrafabric.chassis.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A guest whose output nests 1000 deep (deeper than an answer may be encoded) still gets its
 * invocation answered, in the error shape, and frees the only in-flight slot: calls after it are
 * served. The shared answer path of the platform guarantees it whatever the chassis does earlier.
 */
@Timeout(60)
class UnrenderableOutputTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  /** Writes 1000 '[' then 1000 ']' as its output: valid JSON, nested 1000 deep. */
  private static final String DEEP =
      """
      (module
        (import "infrafabric" "output_write" (func $write (param i32 i32) (result i32)))
        (memory (export "memory") 1)
        (func (export "run") (result i32)
          (memory.fill (i32.const 0) (i32.const 91) (i32.const 1000))
          (memory.fill (i32.const 1000) (i32.const 93) (i32.const 1000))
          (drop (call $write (i32.const 0) (i32.const 2000)))
          (i32.const 0)))
      """;

  @TempDir Path directory;

  @Test
  void aTooDeepOutputIsAnsweredAndTheSlotIsFreed() {
    try (ChassisServiceRig rig =
        new ChassisServiceRig(
            REDIS.endpoint(), directory, Map.of("chassis.http.maxInFlight", "1"))) {
      byte[] deep = Guests.wat(DEEP);
      assertThat(rig.register(deep, Contracts.forModule("deep", deep)).statusCode()).isEqualTo(201);
      String agent = rig.agent("t", "deep");

      for (int i = 0; i < 3; i++) {
        HttpResponse<String> answer = rig.invoke(agent, "deep", "1.0.0", "x");
        assertThat(answer.statusCode()).as(answer.body()).isGreaterThanOrEqualTo(400);
        JsonObject error = new JsonObject(answer.body());
        assertThat(error.getString("code")).isNotBlank();
        assertThat(error.getJsonObject("details").getString("requestId")).isNotBlank();
      }
      assertThat(rig.http.get("/v1/tools", rig.operator()).statusCode())
          .as("the single in-flight slot was released every time")
          .isEqualTo(200);
    }
  }
}
