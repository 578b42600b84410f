package com.infrafabric.platform.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class BatchRefusalTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  /**
   * Regression: a batch whose commands Redis all refused (the start-up script loads on a replica:
   * {@code READONLY}, once per script) failed with one line per command, and a launch printed 23
   * lines where it promises one. The refusal is one line: the first error and how many more.
   */
  @Test
  void aBatchRefusedCommandByCommandFailsInOneLine() {
    Vertx vertx = Vertx.vertx();
    try (RedisStore store =
        RedisStore.create(vertx, RedisSettings.of(REDIS.endpoint()), new SimpleMeterRegistry())) {
      String key = "batch-refusal";
      Await.result(store.send(key, Request.cmd(Command.SET).arg(key).arg("not a number")));

      Throwable refused =
          catchThrowable(
              () ->
                  Await.result(
                      store.batch(
                          key, Collections.nCopies(3, Request.cmd(Command.INCR).arg(key)))));

      assertThat(refused).isInstanceOf(RedisCommandException.class);
      assertThat(refused.getMessage())
          .doesNotContain("\n")
          .startsWith("Redis refused batch: ERR [0] ")
          .contains("not an integer")
          .endsWith("(and 2 more of the batch refused)");
    } finally {
      Await.result(vertx.close());
    }
  }
}
