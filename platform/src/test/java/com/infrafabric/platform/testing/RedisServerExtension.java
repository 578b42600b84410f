package com.infrafabric.platform.testing;

import com.infrafabric.platform.redis.ManagedRedisServer;
import com.infrafabric.platform.redis.ManagedRedisServer.AppendFsync;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class its own real {@code redis-server}: started before the first test on a free
 * loopback port in a fresh temporary directory, with the append-only file on and a random password,
 * and killed and deleted after the last one, whatever happened in between. Tests never talk to a
 * Redis somebody else started.
 *
 * <p>Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
 * }</pre>
 *
 * <p>{@link #killHard()} and {@link #restart()} reproduce a crash and a recovery on the same data
 * directory and port. Fails with a clear message when {@code redis-server} is not on PATH.
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {

  private static final AtomicBoolean WARMED_UP = new AtomicBoolean();
  private static final Duration WARM_UP_DEADLINE = Duration.ofSeconds(30);

  private final AppendFsync appendFsync;
  private Path directory;
  private ManagedRedisServer server;

  private RedisServerExtension(AppendFsync appendFsync) {
    this.appendFsync = appendFsync;
  }

  /** A server that fsyncs its append-only file every second. */
  public static RedisServerExtension create() {
    return new RedisServerExtension(AppendFsync.EVERYSEC);
  }

  /** A server with the given fsync policy, e.g. {@link AppendFsync#ALWAYS} for crash tests. */
  public static RedisServerExtension withAppendFsync(AppendFsync appendFsync) {
    return new RedisServerExtension(appendFsync);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    directory = TempFolder.create("infrafabric-redis-");
    server = ManagedRedisServer.builder(directory).appendFsync(appendFsync).build().start();
    warmUpClient(server.endpoint());
  }

  /**
   * Sends one command through the Redis client the services use, once per JVM, with a generous
   * deadline: a cold JVM on a loaded machine can spend longer than a test's command timeout loading
   * and initialising the client for its first command, which is the environment, not the behaviour
   * under test. The extension does it before the first test; a process a test starts calls it
   * itself.
   */
  public static void warmUpClient(RedisEndpoint endpoint) {
    if (!WARMED_UP.compareAndSet(false, true)) {
      return;
    }
    Vertx vertx = Vertx.vertx();
    try {
      RedisStore store =
          RedisStore.create(
              vertx,
              RedisSettings.of(endpoint).withCommandTimeout(WARM_UP_DEADLINE),
              new SimpleMeterRegistry());
      try {
        Await.result(store.send(Request.cmd(Command.PING)), WARM_UP_DEADLINE.multipliedBy(2));
      } finally {
        store.close();
      }
    } finally {
      Await.result(vertx.close());
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (server != null) {
        server.killHard();
      }
    } finally {
      TempFolder.delete(directory);
    }
  }

  public RedisEndpoint endpoint() {
    return running().endpoint();
  }

  /** Kills the server with SIGKILL, as a crash would. */
  public void killHard() {
    running().killHard();
  }

  /** Starts the server again on the same port and data directory, and waits until it is ready. */
  public void restart() {
    running().start();
  }

  /**
   * Stops the server with {@code SIGSTOP}, as a hung or swapped-out server would be: it keeps its
   * connections and accepts new ones, but reads and answers nothing until {@link #resume()}.
   * Commands already in its socket run then.
   */
  public void stall() {
    signal("-STOP");
  }

  /** Lets a {@link #stall() stalled} server run again ({@code SIGCONT}). */
  public void resume() {
    signal("-CONT");
  }

  private void signal(String signal) {
    try {
      Process kill =
          new ProcessBuilder("kill", signal, Long.toString(running().pid()))
              .redirectErrorStream(true)
              .start();
      if (!kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill " + signal + " of redis-server failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling redis-server", e);
    }
  }

  public ManagedRedisServer server() {
    return running();
  }

  private ManagedRedisServer running() {
    if (server == null) {
      throw new IllegalStateException(
          "RedisServerExtension must be registered on a static field with @RegisterExtension");
    }
    return server;
  }
}
