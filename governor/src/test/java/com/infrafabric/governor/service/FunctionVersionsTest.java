package com.infrafabric.governor.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.FunctionLibraries;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A governor that starts deletes the function libraries other versions of it left in Redis, and
 * only then: readiness, which loads what a server lacks, deletes nothing, so two versions running
 * side by side do not delete each other's libraries on every probe.
 */
@Timeout(60)
class FunctionVersionsTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  @TempDir Path first;
  @TempDir Path second;

  @Test
  void aStartDeletesOtherVersionsOfItsFunctionsAndReadinessDeletesNothing() {
    String oldReserve = "reserve_" + "0".repeat(40);
    String oldCommit = "commit_" + "1".repeat(40);
    try (GovernorServiceRig before = rig(first)) {
      FunctionLibraries.load(before.redis, oldReserve);
      FunctionLibraries.load(before.redis, "keep_me");
    }

    try (GovernorServiceRig rig = rig(second)) {
      List<String> afterStart = FunctionLibraries.names(rig.redis);
      assertThat(afterStart).doesNotContain(oldReserve).contains("keep_me");
      String reserve =
          afterStart.stream().filter(name -> name.startsWith("reserve_")).findFirst().orElseThrow();

      FunctionLibraries.load(rig.redis, oldCommit);
      Await.result(rig.redis.send(Request.cmd(Command.FUNCTION).arg("DELETE").arg(reserve)));
      assertThat(rig.http.get("/health/ready", rig.auditor()).statusCode()).isEqualTo(200);

      assertThat(FunctionLibraries.names(rig.redis))
          .as("readiness loaded the missing function and deleted nothing")
          .contains(reserve, oldCommit, "keep_me");
    }
  }

  private static GovernorServiceRig rig(Path directory) {
    return new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE);
  }
}
