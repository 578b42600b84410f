package com.infrafabric.chassis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.Publisher;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

@Timeout(60)
class ChassisTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static TestChassis host;

  @BeforeAll
  static void start() {
    host = TestChassis.start(REDIS.endpoint());
  }

  @AfterAll
  static void stop() {
    host.close();
  }

  @Test
  void registersListsGetsInvokesAndDeletesATool() {
    byte[] module = Guests.wat(Guests.ECHO);
    ToolInfo info =
        Await.result(
            host.chassis()
                .register(
                    module, Contracts.forModule("echo", module).signedBy(TestChassis.PUBLISHER)));
    ToolRef ref = ToolRef.parse("echo@1.0.0");
    assertThat(info.ref()).isEqualTo(ref);
    assertThat(info.publisherKeyId()).isEqualTo("test-publisher");
    assertThat(Await.result(host.chassis().get(ref))).contains(info);
    assertThat(Await.result(host.chassis().refs())).contains(ref);
    assertThat(Await.result(host.chassis().describe(List.of(ref)))).containsExactly(info);

    InvocationResult result = host.invoke(ref, "{\"hello\":[1,2,3]}");
    assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(result.output()).isEqualTo("{\"hello\":[1,2,3]}");
    assertThat(result.report().bytesIn()).isEqualTo(17);
    assertThat(result.report().bytesOut()).isEqualTo(17);
    assertThat(result.report().hostCalls()).isEqualTo(3);
    assertThat(result.report().peakMemoryPages()).isEqualTo(1);

    assertThat(Await.result(host.chassis().delete(ref))).isTrue();
    assertThat(Await.result(host.chassis().get(ref))).isEmpty();
    assertThat(host.invoke(ref, "{}").outcome()).isEqualTo(Outcome.TOOL_NOT_FOUND);
    assertThat(Await.result(host.chassis().delete(ref))).isFalse();
  }

  @Test
  void treatsAnIdenticalRegistrationAsANoOpAndADifferentOneAsAConflict() {
    byte[] module = Guests.wat(Guests.ECHO);
    String jws = Contracts.forModule("twice", module).signedBy(TestChassis.PUBLISHER);
    ToolInfo first = Await.result(host.chassis().register(module, jws));
    assertThat(Await.result(host.chassis().register(module, jws)).registeredAt())
        .isEqualTo(first.registeredAt());
    String other =
        Contracts.forModule("twice", module)
            .limit("memory", "maxPages", 8)
            .signedBy(TestChassis.PUBLISHER);
    assertThatThrownBy(() -> Await.result(host.chassis().register(module, other)))
        .isInstanceOfSatisfying(
            ToolConflictException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.TOOL_VERSION_CONFLICT))
        .hasMessage("tool twice@1.0.0 is already registered with a different module or contract");
  }

  /**
   * A publisher rotating its key signs its versions again: the same terms under a new signature of
   * the same publisher are kept, not refused, so every node (whichever it has cached) reads the
   * version as signed by the new key and runs it once the old key is retired; other terms stay a
   * conflict.
   */
  @Test
  void theSameContractSignedAgainWithARotatedKeyReplacesTheSignature() {
    Publisher rotated = TestChassis.PUBLISHER.rotated("rotated-publisher");
    byte[] module = Guests.wat(Guests.ECHO);
    Contracts terms = Contracts.forModule("rotating", module);
    try (TestChassis node =
            TestChassis.start(
                REDIS.endpoint(),
                config ->
                    config.trustedPublishersJwks(Publisher.jwks(TestChassis.PUBLISHER, rotated)),
                HostResolver.system());
        TestChassis otherNode =
            TestChassis.start(
                REDIS.endpoint(),
                config ->
                    config.trustedPublishersJwks(Publisher.jwks(TestChassis.PUBLISHER, rotated)),
                HostResolver.system())) {
      ToolInfo first =
          Await.result(node.chassis().register(module, terms.signedBy(TestChassis.PUBLISHER)));
      ToolInfo again = Await.result(node.chassis().register(module, terms.signedBy(rotated)));

      assertThat(again.registeredAt()).isEqualTo(first.registeredAt());
      assertThat(again.publisherKeyId()).isEqualTo("rotated-publisher");
      assertThat(again.publisher()).isEqualTo("test-publisher");
      assertThat(Await.result(otherNode.chassis().get(first.ref())).orElseThrow().publisherKeyId())
          .as("what every node reads from the store")
          .isEqualTo("rotated-publisher");
      assertThatThrownBy(
              () ->
                  Await.result(
                      node.chassis()
                          .register(
                              module, terms.limit("memory", "maxPages", 2).signedBy(rotated))))
          .isInstanceOfSatisfying(
              ToolConflictException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.TOOL_VERSION_CONFLICT));
    }
  }

  /**
   * Agent tokens name tools by name and version: a deleted version comes back only as it was, never
   * as other code a token granted the old version would then run.
   */
  @Test
  void aDeletedVersionComesBackOnlyWithItsModuleAndTerms() {
    byte[] module = Guests.wat(Guests.ECHO);
    String jws = Contracts.forModule("retired", module).signedBy(TestChassis.PUBLISHER);
    ToolInfo first = Await.result(host.chassis().register(module, jws));
    assertThat(Await.result(host.chassis().delete(first.ref()))).isTrue();

    byte[] other = Guests.wat("(module (func (export \"run\") (result i32) i32.const 7))");
    assertThatThrownBy(
            () ->
                Await.result(
                    host.chassis()
                        .register(
                            other,
                            Contracts.forModule("retired", other).signedBy(TestChassis.PUBLISHER))))
        .isInstanceOfSatisfying(
            ToolConflictException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.TOOL_VERSION_CONFLICT))
        .hasMessageContaining("was deleted");
    assertThat(Await.result(host.chassis().get(first.ref()))).isEmpty();

    Await.result(host.chassis().register(module, jws));
    assertThat(host.invoke(first.ref(), "{\"back\":1}").output()).isEqualTo("{\"back\":1}");
  }

  /**
   * A tool's name means its highest version, so two versions of equal SemVer precedence would leave
   * that choice to chance; the second is refused, and a deleted version keeps its place.
   */
  @Test
  void aVersionOfEqualPrecedenceToARegisteredOneIsAConflict() {
    byte[] module = Guests.wat(Guests.ECHO);
    Contracts tool = Contracts.forModule("precise", module);
    ToolInfo first =
        Await.result(
            host.chassis().register(module, tool.version("1.0.1").signedBy(TestChassis.PUBLISHER)));
    Await.result(
        host.chassis().register(module, tool.version("1.0.1-rc").signedBy(TestChassis.PUBLISHER)));
    assertThat(Await.result(host.chassis().delete(first.ref()))).isTrue();

    for (String same : List.of("1.00.1", "1.0.1+b")) {
      assertThatThrownBy(
              () ->
                  Await.result(
                      host.chassis()
                          .register(module, tool.version(same).signedBy(TestChassis.PUBLISHER))))
          .as(same)
          .isInstanceOfSatisfying(
              ToolConflictException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.TOOL_VERSION_CONFLICT))
          .hasMessageContaining("same precedence as version 1.0.1");
    }
    Await.result(
        host.chassis().register(module, tool.version("1.0.1").signedBy(TestChassis.PUBLISHER)));
  }

  @Test
  void refusesInputThatIsNotOneJsonValue() {
    ToolRef ref = host.registerWat(Guests.ECHO, c -> c);
    for (String input : List.of("", "{", "{} {}", "nope")) {
      assertThat(host.invoke(ref, input).outcome()).isEqualTo(Outcome.INVALID_INPUT);
    }
  }

  @Test
  void aDeleteOnAnotherNodeTakesEffectHereWithinTheToolCacheTtl() {
    MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    try (TestChassis nodeA = TestChassis.start(REDIS.endpoint(), clock);
        TestChassis nodeB = TestChassis.start(REDIS.endpoint(), clock)) {
      ToolRef ref = nodeA.registerWat(Guests.ECHO, c -> c);
      assertThat(nodeB.invoke(ref, "{}").outcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(Await.result(nodeA.chassis().delete(ref))).isTrue();
      assertThat(nodeA.invoke(ref, "{}").outcome()).isEqualTo(Outcome.TOOL_NOT_FOUND);
      assertThat(nodeB.invoke(ref, "{}").outcome()).isEqualTo(Outcome.SUCCESS);
      clock.advance(Duration.ofSeconds(2));
      assertThat(nodeB.invoke(ref, "{}").outcome()).isEqualTo(Outcome.TOOL_NOT_FOUND);
    }
  }

  @Test
  void completesOnTheCallersEventLoopAndNeverRunsTheGuestThere() {
    ToolRef ref = host.registerWat(Guests.ECHO, c -> c);
    CompletableFuture<String> completedOn = new CompletableFuture<>();
    host.vertx()
        .runOnContext(
            ignored ->
                host.chassis()
                    .invoke(ref, "{}", TestChassis.CONTEXT)
                    .onComplete(done -> completedOn.complete(Thread.currentThread().getName())));
    assertThat(completedOn.join()).startsWith("vert.x-eventloop-thread-");
  }

  @Test
  void countsInvocationsByToolAndOutcomeAndTagsGuestLogs() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Logger guestLog = (Logger) LoggerFactory.getLogger("infrafabric.chassis.guest");
    guestLog.addAppender(appender);
    try {
      ToolRef ref =
          host.registerWat(
              "(module (import \"infrafabric\" \"log\" (func $log (param i32 i32 i32) (result i32)))"
                  + " (import \"infrafabric\" \"output_write\" (func $w (param i32 i32) (result i32)))"
                  + " (memory (export \"memory\") 1) (data (i32.const 0) \"hi{}\")"
                  + " (func (export \"run\") (result i32)"
                  + " (drop (call $log (i32.const 2) (i32.const 0) (i32.const 2)))"
                  + " (drop (call $w (i32.const 2) (i32.const 2))) (i32.const 0)))",
              c -> c.grant("log"));
      assertThat(host.invoke(ref, "{}").outcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(
              host.meters()
                  .get("chassis.invocations")
                  .tag("tool", ref.toString())
                  .tag("outcome", "SUCCESS")
                  .counter()
                  .count())
          .isEqualTo(1);
      assertThat(
              host.meters()
                  .get("chassis.invocation.duration")
                  .tag("tool", ref.toString())
                  .timer()
                  .count())
          .isEqualTo(1);
      ILoggingEvent event = appender.list.get(0);
      assertThat(event.getFormattedMessage()).isEqualTo("hi");
      assertThat(event.getKeyValuePairs())
          .extracting(pair -> pair.key + "=" + pair.value)
          .contains("tool=" + ref, "tenant=tenant-a", "invocation=inv-1");
    } finally {
      guestLog.detachAppender(appender);
    }
  }

  /**
   * A caller may name any version of a tool its token grants by name, and send bad input to any:
   * the meters name registered tools only, so what a caller makes up adds no series.
   */
  @Test
  void invocationsOfNoRegisteredToolAddNoSeries() {
    ToolRef echo = host.registerWat(Guests.ECHO, c -> c);
    double notFoundBefore = unregistered(Outcome.TOOL_NOT_FOUND);
    for (int i = 0; i < 20; i++) {
      ToolRef madeUp = new ToolRef(echo.name(), "9.9." + i);
      assertThat(host.invoke(madeUp, "{}").outcome()).isEqualTo(Outcome.TOOL_NOT_FOUND);
      assertThat(host.invoke(madeUp, "{not json").outcome()).isEqualTo(Outcome.INVALID_INPUT);
    }
    assertThat(unregistered(Outcome.TOOL_NOT_FOUND) - notFoundBefore).isEqualTo(20);
    assertThat(host.meters().getMeters())
        .filteredOn(meter -> meter.getId().getName().startsWith("chassis.invocation"))
        .extracting(meter -> String.valueOf(meter.getId().getTag("tool")))
        .noneMatch(tool -> tool.contains("@9.9."));
  }

  private static double unregistered(Outcome outcome) {
    var counter =
        host.meters()
            .find("chassis.invocations")
            .tag("tool", ChassisMetrics.UNREGISTERED_TOOL)
            .tag("outcome", outcome.name())
            .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void reportsATrapAndStaysHealthy() {
    ToolRef ref =
        host.registerWat("(module (func (export \"run\") (result i32) unreachable))", c -> c);
    InvocationResult result = host.invoke(ref, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.TRAP);
    assertThat(result.message()).contains("unreachable");
    host.assertHealthy();
  }
}
