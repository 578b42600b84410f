package com.infrafabric.chassis;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a tool's schema check costs is charged to the tenant that sends the value. */
@Timeout(120)
class SchemaCheckSharesTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  /** Allowed by the schema bounds; each array item costs a thousand checks. */
  private static final JsonObject EXPENSIVE_SCHEMA =
      new JsonObject()
          .put("type", "object")
          .put(
              "properties",
              new JsonObject()
                  .put(
                      "a",
                      new JsonObject()
                          .put("type", "array")
                          .put(
                              "items",
                              new JsonObject()
                                  .put(
                                      "allOf",
                                      new JsonArray(
                                          Collections.nCopies(
                                              1000, new JsonObject().put("minimum", 0)))))));

  private static final String EXPENSIVE_INPUT =
      new JsonObject().put("a", new JsonArray(Collections.nCopies(250, 0))).encode();

  private static final int FLOOD = 48;

  private static TestChassis host;

  @BeforeAll
  static void start() {
    host = TestChassis.start(REDIS.endpoint());
  }

  @AfterAll
  static void stop() {
    host.close();
  }

  /**
   * Regression: schema checks ran on the Vert.x worker pool every tenant shares (and, in one
   * process with the governor, its grant signing), before admission and with no deadline: one
   * tenant's 64 expensive inputs left another tenant's call queued for 42 s and a governor claim
   * waiting 24 s. Now the flood spends the tenant's own share of the guest threads: the shared
   * worker pool stays free, another tenant is served at once, and what the tenant sends beyond its
   * share is refused.
   */
  @Test
  void regressionOneTenantFloodingExpensiveChecksLeavesTheWorkerPoolAndOtherTenantsFree() {
    ToolRef expensive = host.registerWat(Guests.ECHO, c -> c.put("inputSchema", EXPENSIVE_SCHEMA));
    ToolRef echo = host.registerWat(Guests.ECHO, c -> c);
    InvocationContext acme = new InvocationContext("acme", "agent-1", "inv-acme");
    InvocationContext beta = new InvocationContext("beta", "agent-2", "inv-beta");
    // Resolved once, so the flood starts on cached tools (a cold check may pass its deadline).
    host.invoke(expensive, EXPENSIVE_INPUT, acme);
    assertThat(host.invoke(echo, "{}", beta).outcome()).isEqualTo(Outcome.SUCCESS);

    List<Future<InvocationResult>> flood = new ArrayList<>();
    for (int i = 0; i < FLOOD; i++) {
      flood.add(onEventLoop(() -> host.chassis().invoke(expensive, EXPENSIVE_INPUT, acme)));
    }
    long before = System.nanoTime();
    String worker =
        Await.result(host.vertx().executeBlocking(() -> "free", false), Duration.ofSeconds(60));
    Duration workerWaited = Duration.ofNanos(System.nanoTime() - before);
    InvocationResult served =
        Await.result(
            onEventLoop(() -> host.chassis().invoke(echo, "{\"x\":1}", beta)),
            Duration.ofSeconds(60));
    Duration betaWaited = Duration.ofNanos(System.nanoTime() - before);

    assertThat(worker).isEqualTo("free");
    assertThat(workerWaited).isLessThan(Duration.ofSeconds(2));
    assertThat(served.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(betaWaited).isLessThan(Duration.ofSeconds(5));
    List<InvocationResult> answers =
        flood.stream().map(f -> Await.result(f, Duration.ofSeconds(60))).toList();
    assertThat(answers)
        .extracting(InvocationResult::outcome)
        .contains(Outcome.REJECTED_OVERLOAD)
        .doesNotContain(Outcome.INVALID_INPUT);
    host.assertHealthy();
  }

  /** The flood's invocations start on an event loop, as the HTTP routes call the chassis. */
  private static <T> Future<T> onEventLoop(Supplier<Future<T>> call) {
    Promise<T> promise = Promise.promise();
    host.vertx().runOnContext(ignored -> call.get().onComplete(promise));
    return promise.future();
  }
}
