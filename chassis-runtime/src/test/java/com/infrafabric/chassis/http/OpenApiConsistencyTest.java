package com.infrafabric.chassis.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.platform.testing.OpenApiOperations;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Every route the router serves is in the OpenAPI document, and nothing else is. */
@Timeout(60)
class OpenApiConsistencyTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir Path directory;

  @Test
  void theDocumentDescribesExactlyTheServedRoutes() {
    try (ChassisServiceRig rig = new ChassisServiceRig(REDIS.endpoint(), directory, Map.of())) {
      JsonObject document =
          new JsonObject(rig.http.get("/v1/openapi.json", rig.agent("acme")).body());
      assertThat(document.getString("openapi")).isEqualTo("3.1.0");
      assertThat(OpenApiOperations.documented(document))
          .isEqualTo(OpenApiOperations.served(rig.service.routes()))
          .contains("POST /v1/tools/{name}/{version}/invocations", "GET /health/live");
    }
  }
}
