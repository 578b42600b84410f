package com.infrafabric.platform.testing;

import com.infrafabric.platform.redis.ManagedRedisServer;
import com.infrafabric.platform.redis.RedisEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Several {@code redis-server} (or {@code redis-sentinel}) processes of one test, each in its own
 * directory under one temporary folder, all with one random password: the common part of {@link
 * RedisClusterExtension} and {@link RedisSentinelExtension}. Asks them things with {@code
 * redis-cli}, which reads the password from the environment ({@code REDISCLI_AUTH}), never from its
 * command line where {@code ps} would show it.
 */
final class RedisGroup implements AutoCloseable {

  private static final Duration CLI_DEADLINE = Duration.ofSeconds(60);
  private static final long POLL_MILLIS = 20;

  private final Path directory;
  private final String password = ManagedRedisServer.randomPassword();
  private final List<ManagedRedisServer> servers = new ArrayList<>();

  RedisGroup(String prefix) {
    directory = TempFolder.create(prefix);
  }

  /** Starts one more process in {@code <directory>/<name>}, configured by {@code configure}. */
  ManagedRedisServer start(
      String name, Function<ManagedRedisServer.Builder, ManagedRedisServer.Builder> configure) {
    ManagedRedisServer server =
        configure
            .apply(ManagedRedisServer.builder(directory.resolve(name)).password(password))
            .build()
            .start();
    servers.add(server);
    return server;
  }

  String password() {
    return password;
  }

  List<ManagedRedisServer> servers() {
    return List.copyOf(servers);
  }

  /** The process listening on {@code port}. */
  ManagedRedisServer server(int port) {
    return servers.stream()
        .filter(s -> s.endpoint().port() == port)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no server of this group on port " + port));
  }

  /** Runs {@code redis-cli -p <port> args...} and returns what it printed. */
  String cli(int port, String... args) {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1"));
    command.add("-p");
    command.add(Integer.toString(port));
    command.addAll(List.of(args));
    return run(command);
  }

  /** Runs {@code redis-cli args...} (for {@code --cluster} commands that name their nodes). */
  String cli(List<String> args) {
    List<String> command = new ArrayList<>(List.of("redis-cli"));
    command.addAll(args);
    return run(command);
  }

  private String run(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("REDISCLI_AUTH", password);
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(CLI_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(command.get(0) + " did not finish: " + command);
      }
      String text = new String(output, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException("redis-cli failed (" + process.exitValue() + "): " + text);
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run redis-cli (is it on PATH?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running redis-cli", e);
    }
  }

  /**
   * Polls {@code condition} until it returns non-null, and returns that; a process that is down
   * makes {@code redis-cli} fail, which counts as "not yet".
   *
   * @throws IllegalStateException naming {@code what} when {@code deadline} passes first
   */
  static <T> T await(String what, Duration deadline, Supplier<T> condition) {
    long end = System.nanoTime() + deadline.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < end) {
      try {
        T value = condition.get();
        if (value != null) {
          return value;
        }
      } catch (IllegalStateException e) {
        last = e;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
    }
    throw new IllegalStateException(
        what + " did not happen within " + deadline.toMillis() + " ms", last);
  }

  /** An endpoint of one process of the group, with the group's password. */
  RedisEndpoint.Address address(ManagedRedisServer server) {
    return new RedisEndpoint.Address("127.0.0.1", server.endpoint().port());
  }

  /** Kills every process with SIGKILL and deletes the folder. */
  @Override
  public void close() {
    try {
      servers.forEach(ManagedRedisServer::killHard);
    } finally {
      TempFolder.delete(directory);
    }
  }
}
