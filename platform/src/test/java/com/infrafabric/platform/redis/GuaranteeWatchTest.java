package com.infrafabric.platform.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Regression: the first refusal of scripts on an unfit master was reverted because its check's
 * failures raced the scripts. What a check may change is pinned here, without I/O: only a check
 * that read the master changes the finding, and one check of a master runs at a time.
 */
class GuaranteeWatchTest {

  private static final Optional<String> UNFIT = Optional.of("maxmemory-policy is allkeys-lru");

  private final GuaranteeWatch watch = new GuaranteeWatch();

  @Test
  void aMasterIsTakenAsFitUntilACheckReadsIt() {
    assertThat(watch.refusal()).isEmpty();

    watch.check(() -> Future.succeededFuture(UNFIT));

    assertThat(watch.refusal()).isEqualTo(UNFIT);
  }

  @Test
  void aFailedCheckLeavesTheFindingAsItWas() {
    watch.check(() -> Future.succeededFuture(UNFIT));

    Future<Optional<String>> failed =
        watch.check(() -> Future.failedFuture(new IllegalStateException("no answer")));

    assertThat(failed.failed()).isTrue();
    assertThat(watch.refusal()).as("still unfit").isEqualTo(UNFIT);
    watch.check(() -> Future.succeededFuture(Optional.empty()));
    assertThat(watch.refusal()).as("fit once a check reads it so").isEmpty();
  }

  @Test
  void aCallerWhileACheckRunsSharesItAndStartsNone() {
    Promise<Optional<String>> running = Promise.promise();
    AtomicInteger started = new AtomicInteger();

    Future<Optional<String>> first =
        watch.check(
            () -> {
              started.incrementAndGet();
              return running.future();
            });
    Future<Optional<String>> second =
        watch.check(
            () -> {
              started.incrementAndGet();
              return Future.succeededFuture(Optional.empty());
            });
    running.complete(UNFIT);

    assertThat(started).hasValue(1);
    assertThat(second.result()).isEqualTo(UNFIT);
    assertThat(first.result()).isEqualTo(UNFIT);
    watch.check(
        () -> {
          started.incrementAndGet();
          return Future.succeededFuture(Optional.empty());
        });
    assertThat(started).as("the next check runs once the first has ended").hasValue(2);
  }

  @Test
  void aCheckThatThrowsEndsLikeOneThatFailed() {
    Future<Optional<String>> thrown =
        watch.check(
            () -> {
              throw new IllegalStateException("Redis INFO does not report role");
            });

    assertThat(thrown.failed()).isTrue();
    assertThat(watch.check(() -> Future.succeededFuture(UNFIT)).result()).isEqualTo(UNFIT);
  }
}
