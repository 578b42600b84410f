package com.infrafabric.chassis.http;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.StatusConformance;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The statuses the OpenAPI document lists are the ones the chassis answers. */
@Timeout(120)
class StatusConformanceTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  @TempDir Path directory;

  @Test
  void everyRouteDocumentsThePlatformStatusesAndAnswersThem() {
    try (ChassisServiceRig rig = new ChassisServiceRig(REDIS.endpoint(), directory, Map.of())) {
      JsonObject document = new JsonObject(rig.http.get("/v1/openapi.json", rig.operator()).body());
      new StatusConformance(document, rig.service.routes(), rig.service.port())
          .check(roles -> rig.tokens.valid("stranger", "none-of-these"), "x");
    }
  }
}
