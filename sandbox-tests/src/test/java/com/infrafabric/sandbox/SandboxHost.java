package com.infrafabric.sandbox;

import com.infrafabric.chassis.Chassis;
import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.OperatorSettings;
import com.infrafabric.chassis.ToolInfo;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.platform.redis.ManagedRedisServer.AppendFsync;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The host every attack class runs against: its own redis-server and a whole chassis, started
 * before the class and stopped after it. After each case, whatever the case asserted about the
 * attack, the host must still be healthy (a normal tool succeeds, no admission slot or memory
 * reservation is left behind), or the case fails.
 *
 * <pre>{@code @RegisterExtension static final SandboxHost HOST = SandboxHost.create();}</pre>
 */
final class SandboxHost implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

  /**
   * Fsync on every write: the attack classes include a crash (StoreOutageTest kills Redis with
   * SIGKILL right after a guest's write). Under {@code everysec} Redis may postpone writing its
   * append-only buffer while a background fsync is slow, and such a write is lost with the process.
   */
  private final RedisServerExtension redis =
      RedisServerExtension.withAppendFsync(AppendFsync.ALWAYS);

  private final Consumer<OperatorSettings.Builder> operator;
  private final HostResolver resolver;
  private final Consumer<Chassis.Builder> parts;
  private TestChassis host;

  private SandboxHost(
      Consumer<OperatorSettings.Builder> operator,
      HostResolver resolver,
      Consumer<Chassis.Builder> parts) {
    this.operator = operator;
    this.resolver = resolver;
    this.parts = parts;
  }

  /** Two guest threads, a queue of 8, 64 MiB of guest memory, a 2 ms watchdog. */
  static SandboxHost create() {
    return create(config -> {}, HostResolver.system());
  }

  /** The defaults of {@link #create()}, then {@code operator}'s changes. */
  static SandboxHost create(Consumer<OperatorSettings.Builder> operator, HostResolver resolver) {
    return create(operator, resolver, parts -> {});
  }

  /**
   * The defaults of {@link #create()}, the operator's changes, and {@code parts} adding what the
   * chassis builder takes beyond its config (master keys, a budget port).
   */
  static SandboxHost create(
      Consumer<OperatorSettings.Builder> operator,
      HostResolver resolver,
      Consumer<Chassis.Builder> parts) {
    return new SandboxHost(
        config -> {
          config.sandbox(sandbox(2, 8, 64L << 20, Duration.ofSeconds(1), 100));
          operator.accept(config);
        },
        resolver,
        parts);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    redis.beforeAll(context);
    host = startNode();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    host.assertHealthy();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      host.close();
    } finally {
      redis.afterAll(context);
    }
  }

  /**
   * Another chassis node on the same Redis, configured like this one: a second node, or this node
   * after a restart. The caller closes it.
   */
  TestChassis startNode() {
    return TestChassis.start(redis.endpoint(), operator, resolver, Clock.systemUTC(), parts);
  }

  /**
   * The host's sandbox with {@code threads} guest threads, {@code queue} places, {@code memory}
   * bytes of guest memory, a tool cache TTL and a tenant's share; a 1 MiB guest stack, a 2 ms
   * watchdog and a 50 µs guest spin.
   */
  static OperatorSettings.SandboxSettings sandbox(
      int threads, int queue, long memory, Duration toolCacheTtl, int tenantSharePercent) {
    return new OperatorSettings.SandboxSettings(
        threads,
        queue,
        memory,
        1L << 20,
        Duration.ofMillis(2),
        toolCacheTtl,
        Duration.ofNanos(50_000),
        tenantSharePercent);
  }

  /** Waits until the host has admitted {@code count} invocations, at most five seconds. */
  void awaitAdmitted(int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (gauge("chassis.admission.admitted") < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("invocations were not admitted in time");
      }
      Thread.onSpinWait();
    }
  }

  TestChassis host() {
    return host;
  }

  RedisServerExtension redis() {
    return redis;
  }

  Chassis chassis() {
    return host.chassis();
  }

  ToolInfo register(byte[] module, UnaryOperator<Contracts> contract) {
    return host.register(module, contract);
  }

  InvocationResult invoke(ToolRef tool, String input) {
    return host.invoke(tool, input);
  }

  InvocationResult invoke(ToolRef tool, String input, InvocationContext context) {
    return host.invoke(tool, input, context);
  }

  double gauge(String name) {
    return host.gauge(name);
  }

  double denied(String policy) {
    return host.denied(policy);
  }
}
