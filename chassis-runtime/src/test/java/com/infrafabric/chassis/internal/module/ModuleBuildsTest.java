package com.infrafabric.chassis.internal.module;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.ChassisException;
import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.ModuleCaps;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.WasmBinary;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Builds run on a bounded pool within a deadline and a memory budget; overload fails at once. */
@Timeout(30)
class ModuleBuildsTest {

  private static final byte[] ECHO = Guests.wat(Guests.ECHO);

  private final Vertx vertx = Vertx.vertx();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    vertx.close().await();
  }

  @Test
  void aFullPoolRefusesTheNextBuildAtOnce() throws Exception {
    // One thread and one queued: two places, twice that for owners under their fair share.
    try (ModuleBuilds builds = builds(b -> b.buildThreads(1).buildQueue(1))) {
      CountDownLatch started = new CountDownLatch(1);
      Future<String> running = builds.submit(tenant("a"), ECHO, () -> blockUntilReleased(started));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      List<Future<String>> queued = new ArrayList<>();
      for (String tenant : List.of("b", "c", "d")) {
        queued.add(builds.submit(tenant(tenant), ECHO, () -> tenant));
      }
      long start = System.nanoTime();
      Future<String> refused = builds.submit(tenant("e"), ECHO, () -> "refused");
      assertThat(refused.failed()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertCode(refused.cause(), ErrorCode.MODULE_BUILD_OVERLOADED);
      assertThat(refused.cause()).hasMessageEndingWith("; retry shortly");
      release.countDown();
      assertThat(result(running)).isEqualTo("built");
      for (Future<String> build : queued) {
        assertThat(result(build)).isIn("b", "c", "d");
      }
    }
  }

  /**
   * Regression: one agent invoking four heavy tool versions round-robin, more than the compiled
   * cache holds, kept every build place busy; another tenant's evicted tools got 429 "the chassis
   * is already building 5 modules" or waited 20 s for the build thread, and a publication got 503.
   */
  @Test
  void regressionOneTenantHoldsAtMostItsShareOfTheBuildPlaces() throws Exception {
    try (ModuleBuilds builds = builds(b -> b.buildThreads(1).buildQueue(3))) {
      CountDownLatch started = new CountDownLatch(1);
      Future<String> heavy = builds.submit(tenant("acme"), ECHO, () -> blockUntilReleased(started));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      Future<String> queued = builds.submit(tenant("acme"), ECHO, () -> "acme");

      Future<String> refused = builds.submit(tenant("acme"), ECHO, () -> "refused");
      assertThat(refused.failed()).isTrue();
      assertCode(refused.cause(), ErrorCode.MODULE_BUILD_OVERLOADED);
      assertThat(refused.cause())
          .hasMessage(
              "tenant acme is already building 2 modules, its share of the 4 build places;"
                  + " retry shortly");

      Future<String> beta = builds.submit(tenant("beta"), ECHO, () -> "beta");
      Future<String> published = builds.submit(BuildOwner.PUBLISHERS, ECHO, () -> "published");
      assertThat(beta.failed()).isFalse();
      assertThat(published.failed()).isFalse();
      release.countDown();
      assertThat(result(heavy)).isEqualTo("built");
      assertThat(result(queued)).isEqualTo("acme");
      assertThat(result(beta)).isEqualTo("beta");
      assertThat(result(published)).isEqualTo("published");
      // Every place came back: acme builds again.
      assertThat(result(builds.submit(tenant("acme"), ECHO, () -> "again"))).isEqualTo("again");
    }
  }

  /** A tenant named like the publishers' key is still a tenant: their places stay apart. */
  @Test
  void aTenantCannotSpendThePublishersPlaces() throws Exception {
    try (ModuleBuilds builds = builds(b -> b.buildThreads(1).buildQueue(1))) {
      CountDownLatch started = new CountDownLatch(1);
      Future<String> running =
          builds.submit(tenant("publishers"), ECHO, () -> blockUntilReleased(started));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      Future<String> published = builds.submit(BuildOwner.PUBLISHERS, ECHO, () -> "published");
      assertThat(published.failed()).isFalse();
      release.countDown();
      assertThat(result(running)).isEqualTo("built");
      assertThat(result(published)).isEqualTo("published");
    }
  }

  private static BuildOwner tenant(String name) {
    return BuildOwner.tenant(name);
  }

  private static String result(Future<String> build) throws Exception {
    return build.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aBuildPastItsDeadlineFailsThenAndItsCallerIsFree() throws Exception {
    try (ModuleBuilds builds = builds(b -> b.compileTimeout(Duration.ofMillis(200)))) {
      Future<String> slow =
          builds.submit(tenant("t"), ECHO, () -> blockUntilReleased(new CountDownLatch(1)));
      Throwable failure = failure(slow);
      assertCode(failure, ErrorCode.MODULE_NOT_COMPILABLE);
      assertThat(failure).hasMessage("building the module took longer than 200 ms");
    }
  }

  @Test
  void regressionABuildQueuedBehindASlowOneIsAnsweredByItsDeadlineAndNeverRunsAfterwards()
      throws Exception {
    // A publish queued behind a build that ignored its interrupt got no answer until the HTTP
    // layer cut it at 60 s, and was registered minutes later, when the slow build ended.
    try (ModuleBuilds builds =
        builds(b -> b.buildThreads(1).buildQueue(2).compileTimeout(Duration.ofMillis(300)))) {
      CountDownLatch started = new CountDownLatch(1);
      Future<String> slow = builds.submit(tenant("t"), ECHO, () -> blockUntilReleased(started));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      AtomicBoolean ran = new AtomicBoolean();
      long submitted = System.nanoTime();
      Throwable queued =
          failure(builds.submit(tenant("u"), ECHO, () -> String.valueOf(ran.getAndSet(true))));
      assertThat(Duration.ofNanos(System.nanoTime() - submitted)).isLessThan(Duration.ofSeconds(5));
      assertCode(queued, ErrorCode.MODULE_BUILD_OVERLOADED);
      assertThat(queued.getMessage())
          .startsWith("the module waited ")
          .endsWith(
              " ms for a build thread and could not be built within the 300 ms deadline;"
                  + " retry shortly");
      assertCode(failure(slow), ErrorCode.MODULE_NOT_COMPILABLE);
      assertThat(builds.pending()).isEqualTo(1);
      release.countDown();
      assertThat(
              builds
                  .submit(tenant("v"), ECHO, () -> "next")
                  .toCompletionStage()
                  .toCompletableFuture()
                  .get(10, TimeUnit.SECONDS))
          .isEqualTo("next");
      assertThat(ran).isFalse();
    }
  }

  @Test
  void regressionAnErrorThrownByABuildFailsItsFutureInsteadOfLeavingItPending() throws Exception {
    // The pool thread let an Error escape after cancelling the deadline: the caller never heard.
    try (ModuleBuilds builds = builds(b -> b)) {
      AssertionError bug = new AssertionError("a compiler bug");
      Throwable failure =
          failure(
              builds.submit(
                  tenant("t"),
                  ECHO,
                  () -> {
                    throw bug;
                  }));
      assertThat(failure).isSameAs(bug);
    }
  }

  @Test
  void aModuleWhoseBuildWouldNeedMoreThanTheWholeBudgetIsTooLarge() throws Exception {
    try (ModuleBuilds builds = builds(b -> b.buildMemoryBytes(1 << 20))) {
      byte[] nops = new byte[10_000];
      java.util.Arrays.fill(nops, (byte) 0x01);
      byte[] body = WasmBinary.bytes().u32(0).raw(nops).raw(0x41, 0, 0x0B).build();
      byte[] module =
          WasmBinary.module()
              .oneRunFunction()
              .exportRun()
              .section(10, WasmBinary.bytes().u32(1).u32(body.length).raw(body))
              .build();
      Throwable failure = failure(builds.submit(tenant("t"), module, () -> "never"));
      assertCode(failure, ErrorCode.MODULE_TOO_LARGE);
      assertThat(failure.getMessage())
          .startsWith("building the module needs an estimated ")
          .endsWith("bytes of memory, above the budget of 1048576");
    }
  }

  @Test
  void buildsInProgressHoldTheirMemoryUntilTheyEnd() throws Exception {
    long budget = 2 << 20;
    long echo = estimate(ECHO);
    int size = (int) ((budget - echo / 2 - (echo - 2L * ECHO.length)) / 2);
    byte[] big = padded(ECHO, size);
    assertThat(estimate(big)).isLessThanOrEqualTo(budget).isGreaterThan(budget - echo);
    try (ModuleBuilds builds = builds(b -> b.buildThreads(2).buildMemoryBytes(budget))) {
      CountDownLatch started = new CountDownLatch(1);
      Future<String> holding = builds.submit(tenant("t"), big, () -> blockUntilReleased(started));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      assertCode(
          failure(builds.submit(tenant("u"), ECHO, () -> "echo")),
          ErrorCode.MODULE_BUILD_OVERLOADED);
      release.countDown();
      holding.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(
              builds
                  .submit(tenant("t"), ECHO, () -> "echo")
                  .toCompletionStage()
                  .toCompletableFuture()
                  .get(10, TimeUnit.SECONDS))
          .isEqualTo("echo");
    }
  }

  private static long estimate(byte[] module) {
    return ModuleScan.scan(module, ModuleCaps.defaults()).estimatedBuildBytes();
  }

  /** {@code module} followed by a custom section that brings it to {@code size} bytes. */
  private static byte[] padded(byte[] module, int size) {
    int room = size - module.length - 8;
    return WasmBinary.module()
        .raw(java.util.Arrays.copyOfRange(module, 8, module.length))
        .section(0, WasmBinary.bytes().name("pad").raw(new byte[room]))
        .build();
  }

  private String blockUntilReleased(CountDownLatch started) {
    started.countDown();
    boolean interrupted = false;
    while (true) {
      try {
        release.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return "built";
  }

  private ModuleBuilds builds(java.util.function.UnaryOperator<ModuleCaps.Builder> caps) {
    return new ModuleBuilds(vertx, caps.apply(ModuleCaps.builder()).build());
  }

  private static Throwable failure(Future<?> future) throws Exception {
    try {
      future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the build did not fail");
  }

  private static void assertCode(Throwable failure, ErrorCode code) {
    assertThat(failure)
        .isInstanceOfSatisfying(ChassisException.class, e -> assertThat(e.code()).isEqualTo(code));
  }
}
