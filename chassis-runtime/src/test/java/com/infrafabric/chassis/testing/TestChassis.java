package com.infrafabric.chassis.testing;

import com.infrafabric.chassis.Chassis;
import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.OperatorSettings;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolInfo;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A whole chassis for tests, on a real Redis, with one publisher trusted, and helpers to register
 * guests and invoke them synchronously. {@link #assertHealthy()} is what every attack test ends
 * with: a normal tool still works and no admission slot or memory reservation is left behind.
 */
public final class TestChassis implements AutoCloseable {

  public static final Publisher PUBLISHER = Publisher.generate("test-publisher");
  public static final InvocationContext CONTEXT =
      new InvocationContext("tenant-a", "agent-1", "inv-1");

  private final Vertx vertx;
  private final RedisStore redis;
  private final SimpleMeterRegistry meters;
  private final Chassis chassis;
  private final ToolRef echo;

  private TestChassis(
      RedisEndpoint endpoint,
      Consumer<OperatorSettings.Builder> operator,
      HostResolver resolver,
      Clock clock,
      Consumer<Chassis.Builder> parts) {
    this.vertx = Vertx.vertx();
    this.meters = new SimpleMeterRegistry();
    this.redis =
        RedisStore.create(
            vertx,
            RedisSettings.of(endpoint).withCommandTimeout(ChassisServiceRig.COMMAND_TIMEOUT),
            meters);
    OperatorSettings.Builder config =
        OperatorSettings.builder().trustedPublishersJwks(Publisher.jwks(PUBLISHER));
    operator.accept(config);
    Chassis.Builder builder =
        Chassis.builder()
            .config(config.build())
            .vertx(vertx)
            .redis(redis)
            .meters(meters)
            .clock(clock)
            .resolver(resolver);
    parts.accept(builder);
    this.chassis = builder.build();
    this.echo = register(Guests.wat(Guests.ECHO), c -> c).ref();
  }

  public static TestChassis start(RedisEndpoint endpoint) {
    return start(endpoint, config -> {}, HostResolver.system());
  }

  public static TestChassis start(
      RedisEndpoint endpoint, Consumer<OperatorSettings.Builder> operator, HostResolver resolver) {
    return new TestChassis(endpoint, operator, resolver, Clock.systemUTC(), parts -> {});
  }

  /**
   * A chassis with the operator's changes, and {@code parts} adding what the builder takes beyond
   * them (master keys, a budget port), on {@code clock}.
   */
  public static TestChassis start(
      RedisEndpoint endpoint,
      Consumer<OperatorSettings.Builder> operator,
      HostResolver resolver,
      Clock clock,
      Consumer<Chassis.Builder> parts) {
    return new TestChassis(endpoint, operator, resolver, clock, parts);
  }

  /** A chassis whose deadlines, registration times and tool cache read {@code clock}. */
  public static TestChassis start(RedisEndpoint endpoint, Clock clock) {
    return new TestChassis(endpoint, config -> {}, HostResolver.system(), clock, parts -> {});
  }

  public Chassis chassis() {
    return chassis;
  }

  public SimpleMeterRegistry meters() {
    return meters;
  }

  /** Registers {@code module} under a fresh tool name with the contract {@code contract} shapes. */
  public ToolInfo register(byte[] module, UnaryOperator<Contracts> contract) {
    String name = "t" + UUID.randomUUID().toString().substring(0, 12);
    return Await.result(
        chassis.register(
            module, contract.apply(Contracts.forModule(name, module)).signedBy(PUBLISHER)));
  }

  /** Registers a WAT guest granted io plus whatever {@code contract} adds. */
  public ToolRef registerWat(String wat, UnaryOperator<Contracts> contract) {
    return register(Guests.wat(wat), contract).ref();
  }

  public InvocationResult invoke(ToolRef tool, String input) {
    return invoke(tool, input, CONTEXT);
  }

  public InvocationResult invoke(ToolRef tool, String input, InvocationContext context) {
    return Await.result(chassis.invoke(tool, input, context), Duration.ofSeconds(30));
  }

  /**
   * Fails unless a normal invocation succeeds and, within a deadline, no invocation is admitted and
   * no guest memory is reserved.
   */
  public void assertHealthy() {
    InvocationResult probe = invoke(echo, "{\"probe\":true}");
    if (probe.outcome() != Outcome.SUCCESS || !probe.output().equals("{\"probe\":true}")) {
      throw new AssertionError("the host is not healthy after the attack: " + probe);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (gauge("chassis.admission.admitted") != 0
        || gauge("chassis.admission.memory.reserved") != 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "admission did not drain: admitted="
                + gauge("chassis.admission.admitted")
                + " reserved="
                + gauge("chassis.admission.memory.reserved"));
      }
      Thread.onSpinWait();
    }
  }

  public double gauge(String name) {
    Gauge gauge = meters.find(name).gauge();
    if (gauge == null) {
      throw new AssertionError("gauge " + name + " is not registered");
    }
    return gauge.value();
  }

  /** The count of {@code chassis.capability.denied} for {@code policy}, over all tools. */
  public double denied(String policy) {
    return meters.find("chassis.capability.denied").tag("policy", policy).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() {
    chassis.close();
    redis.close();
    vertx.close().await();
  }
}
