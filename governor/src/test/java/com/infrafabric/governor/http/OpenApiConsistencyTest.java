package com.infrafabric.governor.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.OpenApiOperations;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
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
    try (GovernorServiceRig rig =
        new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE)) {
      JsonObject document = new JsonObject(rig.http.get("/v1/openapi.json", rig.auditor()).body());
      assertThat(document.getString("openapi")).isEqualTo("3.1.0");
      assertThat(OpenApiOperations.documented(document))
          .isEqualTo(OpenApiOperations.served(rig.service.routes()));
    }
  }
}
