package com.infrafabric.governor.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
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

      Set<String> documented = new TreeSet<>();
      JsonObject paths = document.getJsonObject("paths");
      for (String path : paths.fieldNames()) {
        for (String method : paths.getJsonObject(path).fieldNames()) {
          documented.add(method.toUpperCase(Locale.ROOT) + " " + path);
        }
      }
      Set<String> served = new TreeSet<>();
      rig.service.routes().forEach(r -> served.add(r.method().name() + " " + r.openApiPath()));

      assertThat(documented).isEqualTo(served);
    }
  }
}
