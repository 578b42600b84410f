package com.infrafabric.platform.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@code redis-server} child process this JVM starts, supervises and stops: the embedded default
 * of the launcher when no {@code REDIS_URL} is given, and the server behind every test.
 *
 * <p>The server listens on loopback only, requires a password, keeps an append-only file in its
 * data directory (unless built to read a backup's snapshot, {@link Builder#appendOnly}) and never
 * evicts keys ({@code maxmemory-policy noeviction}): budgets, claims and the ledger must fail
 * loudly rather than disappear. The password is written to a {@code 0600} configuration file in the
 * data directory, never to the command line where {@code ps} would show it.
 *
 * <p>{@link #stop()} shuts the server down as Redis means it to be ({@code SHUTDOWN}: the
 * append-only file written out, the exit logged) and waits for the process; only a server that does
 * not exit in time is signalled, then killed. {@link #killHard()} and {@link #start()} on the same
 * data directory reproduce a crash and a recovery. Unless the owner stops the server in a shutdown
 * sequence of its own ({@link Builder#stoppedByOwnerOnExit()}), a JVM shutdown hook stops it should
 * the owner forget to {@link #close()} it; a child process stops it if the JVM vanishes without
 * running its hooks.
 *
 * <p>Not thread-safe: one owner drives the lifecycle.
 */
public final class ManagedRedisServer implements AutoCloseable {

  private static final String LOOPBACK = "127.0.0.1";
  private static final int MIN_MAJOR_VERSION = 7;
  private static final int PORT_ATTEMPTS = 5;
  private static final long FIRST_PROBE_MILLIS = 250;
  private static final long MAX_PROBE_MILLIS = 5_000;
  private static final long FIRST_PAUSE_MILLIS = 10;
  private static final long MAX_PAUSE_MILLIS = 500;
  private static final Duration MAX_START_TIMEOUT = Duration.ofMinutes(5);

  /** How long a stopped server may take to write its files out and exit before it is signalled. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  /** How long a signalled server may take to exit before it is killed. */
  private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(10);

  private final String executable;
  private final Path dataDirectory;
  private final String password;
  private final AppendFsync appendFsync;
  private final boolean appendOnly;
  private final long maxMemoryBytes;
  private final Duration startTimeout;
  private final List<String> extraConfig;
  private final boolean hookOnExit;
  private int port;
  private Process process;
  private Process reaper;
  private Thread shutdownHook;
  private FileLock lock;

  private ManagedRedisServer(Builder builder) {
    this.executable = builder.executable;
    this.dataDirectory = builder.dataDirectory.toAbsolutePath();
    this.password = builder.password != null ? builder.password : randomPassword();
    this.appendFsync = builder.appendFsync;
    this.appendOnly = builder.appendOnly;
    this.maxMemoryBytes = builder.maxMemoryBytes;
    this.startTimeout = builder.startTimeout;
    this.extraConfig = List.copyOf(builder.extraConfig);
    this.hookOnExit = builder.hookOnExit;
    this.port = builder.port;
  }

  public static Builder builder(Path dataDirectory) {
    return new Builder(dataDirectory);
  }

  /**
   * Starts the server, or starts it again on the same port and data directory after {@link
   * #killHard()} or {@link #stop()}. Returns once the server answers {@code PING} with its data
   * loaded.
   *
   * @throws IllegalStateException if {@code redis-server} is missing, too old, or does not come up
   */
  public ManagedRedisServer start() {
    if (isRunning()) {
      throw new IllegalStateException("redis-server is already running on port " + port);
    }
    checkVersion(executable);
    createDataDirectory();
    lockDataDirectory();
    stopReaper();
    boolean choosePort = port == 0;
    for (int attempt = 1; ; attempt++) {
      if (choosePort) {
        port = freeLoopbackPort();
      }
      writeConfig();
      process = launch();
      String failure = awaitReady();
      if (failure == null) {
        if (hookOnExit) {
          registerShutdownHook();
        }
        reaper = startReaper(process.pid());
        return this;
      }
      destroy();
      if (!choosePort || attempt == PORT_ATTEMPTS) {
        unlockDataDirectory();
        throw new IllegalStateException(
            "redis-server did not start on port " + port + ": " + failure + " (see " + log() + ")");
      }
    }
  }

  /** Kills the process with SIGKILL, as a crash would, and waits for it to be gone. */
  public void killHard() {
    if (process != null) {
      process.destroyForcibly();
      waitForExit(SIGNAL_TIMEOUT);
    }
  }

  /**
   * Stops the server with {@code SHUTDOWN}, so that it writes its append-only file out and logs its
   * exit ("ready to exit, bye bye"), and waits for the process to end. A server that refuses or
   * does not exit within 30 s gets SIGTERM, and 10 s after that SIGKILL. Blocks.
   */
  public void stop() {
    if (process == null) {
      return;
    }
    if (process.isAlive()) {
      RespProbe.shutdown(endpoint(), SIGNAL_TIMEOUT);
    }
    waitForExit(STOP_TIMEOUT);
    unlockDataDirectory();
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * The process id of the running server, so that a test can stall it ({@code kill -STOP}) as a
   * hung or swapped-out server would be.
   *
   * @throws IllegalStateException if it is not running
   */
  public long pid() {
    if (!isRunning()) {
      throw new IllegalStateException("redis-server is not running");
    }
    return process.pid();
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Completes with the exit status of the process {@link #start()} launched last, whenever it ends:
   * stopped, killed or crashed. An owner that keeps the server up restarts it from here.
   *
   * @throws IllegalStateException if it was never started
   */
  public CompletableFuture<Integer> exited() {
    if (process == null) {
      throw new IllegalStateException("redis-server has not been started");
    }
    return process.onExit().thenApply(Process::exitValue);
  }

  /** How a client reaches this server; its {@code toString()} hides the password. */
  public RedisEndpoint endpoint() {
    if (port == 0) {
      throw new IllegalStateException("redis-server has not been started");
    }
    return new RedisEndpoint(LOOPBACK, port, password);
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  public Path log() {
    return dataDirectory.resolve("redis.log");
  }

  private static void checkVersion(String executable) {
    String output;
    try {
      Process version =
          new ProcessBuilder(executable, "--version").redirectErrorStream(true).start();
      output = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      version.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException(
          "'"
              + executable
              + "' was not found on PATH: install Redis "
              + MIN_MAJOR_VERSION
              + "+ (Debian: apt-get install redis-server) or point REDIS_URL at a running server",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking the redis-server version", e);
    }
    int major = majorVersion(output);
    if (major < MIN_MAJOR_VERSION) {
      throw new IllegalStateException(
          "redis-server " + MIN_MAJOR_VERSION + "+ is required, found: " + output.strip());
    }
  }

  /** Parses the major version from {@code redis-server --version} ("... v=7.0.15 sha=..."). */
  static int majorVersion(String versionOutput) {
    int at = versionOutput.indexOf("v=");
    if (at < 0) {
      return -1;
    }
    int end = versionOutput.indexOf('.', at);
    try {
      return Integer.parseInt(versionOutput.substring(at + 2, end));
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private void createDataDirectory() {
    try {
      Files.createDirectories(dataDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create redis data directory " + dataDirectory, e);
    }
  }

  /**
   * Takes the data directory for this server, once per owner (a restart after {@link #killHard()}
   * keeps it): a second server on the same directory (a second {@code serve} on the same {@code
   * --data}) would rewrite the configuration and append to the same append-only file, corrupting
   * it, while two nodes each kept budgets of their own. The lock is the operating system's on
   * {@code redis.lock}, so it ends with the process that held it, however it ended.
   *
   * @throws IllegalStateException if another process, or another server of this one, holds it
   */
  private void lockDataDirectory() {
    if (lock != null) {
      return;
    }
    Path file = dataDirectory.resolve("redis.lock");
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      lock = channel.tryLock();
    } catch (OverlappingFileLockException held) {
      lock = null;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot lock " + file, e);
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new IllegalStateException(
          "another redis-server already uses "
              + dataDirectory
              + " (is a second serve running on the same --data directory?)");
    }
  }

  private void unlockDataDirectory() {
    if (lock != null) {
      closeQuietly(lock.channel());
      lock = null;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // Closing releases the lock; a failure to close leaves nothing to do but go on.
    }
  }

  private void writeConfig() {
    List<String> lines = new ArrayList<>();
    lines.addAll(
        List.of(
            "port " + port,
            "bind " + LOOPBACK,
            "protected-mode yes",
            "daemonize no",
            "dir " + quote(dataDirectory.toString()),
            "logfile " + quote(log().toString()),
            "appendonly " + (appendOnly ? "yes" : "no"),
            "appendfsync " + appendFsync.configValue(),
            "save \"\"",
            "maxmemory " + maxMemoryBytes,
            "maxmemory-policy noeviction",
            "requirepass " + quote(password),
            "enable-debug-command local"));
    lines.addAll(extraConfig);
    lines.add("");
    String config = String.join("\n", lines);
    Path file = configFile();
    try {
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, config);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private Path configFile() {
    return dataDirectory.resolve("redis.conf");
  }

  private Process launch() {
    try {
      return new ProcessBuilder(executable, configFile().toString())
          .redirectErrorStream(true)
          .redirectOutput(
              ProcessBuilder.Redirect.appendTo(dataDirectory.resolve("stdout.log").toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + executable, e);
    }
  }

  /**
   * Returns null once the server answers PING, or why it never will. On a loaded machine a fresh
   * server can take seconds to answer (replaying its append-only file, or just not scheduled), so
   * each attempt waits longer than the last for its answer ({@value #FIRST_PROBE_MILLIS} ms
   * doubling up to {@value #MAX_PROBE_MILLIS} ms) and pauses longer before the next, until the
   * start timeout (30 s by default) says it is not coming.
   */
  private String awaitReady() {
    long deadline = System.nanoTime() + startTimeout.toNanos();
    long probeMillis = FIRST_PROBE_MILLIS;
    long pauseMillis = FIRST_PAUSE_MILLIS;
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return "process exited with status " + process.exitValue();
      }
      last = RespProbe.ping(endpoint(), Duration.ofMillis(probeMillis));
      if (last == null) {
        return null;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMillis));
      probeMillis = Math.min(2 * probeMillis, MAX_PROBE_MILLIS);
      pauseMillis = Math.min(2 * pauseMillis, MAX_PAUSE_MILLIS);
    }
    return "not ready after " + startTimeout.toMillis() + " ms: " + last;
  }

  /**
   * Starts a tiny shell loop that kills redis-server if this JVM disappears without running its
   * shutdown hooks (SIGKILL, {@code Runtime.halt}, as JMH does with stuck forks), so a crashed
   * owner never leaves a server behind.
   */
  private static Process startReaper(long redisPid) {
    long jvmPid = ProcessHandle.current().pid();
    // SIGTERM first, which Redis takes as SHUTDOWN; SIGKILL only if it is still there 10 s later.
    String loop =
        "while kill -0 "
            + jvmPid
            + " 2>/dev/null; do sleep 1; done; kill "
            + redisPid
            + "; i=0; while kill -0 "
            + redisPid
            + " 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; kill -9 "
            + redisPid
            + " 2>/dev/null";
    try {
      return new ProcessBuilder("sh", "-c", loop)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the redis-server reaper", e);
    }
  }

  /**
   * Waits up to {@code timeout} for the process to exit, then signals it (SIGTERM) and waits up to
   * {@link #SIGNAL_TIMEOUT}, then kills it (SIGKILL).
   */
  private void waitForExit(Duration timeout) {
    stopReaper();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroy();
        if (!process.waitFor(SIGNAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor(SIGNAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    unregisterShutdownHook();
  }

  /**
   * Stops the child that would signal the server's process id once this JVM is gone: after that
   * process has ended (stopped, or crashed before a restart), the id may belong to another.
   */
  private void stopReaper() {
    if (reaper != null) {
      reaper.destroyForcibly();
      reaper = null;
    }
  }

  private void destroy() {
    process.destroyForcibly();
    waitForExit(SIGNAL_TIMEOUT);
  }

  /**
   * Stops the server cleanly (SIGTERM, which Redis takes as {@code SHUTDOWN}) when the JVM exits
   * with it still running: the owner forgot to close it.
   */
  private void registerShutdownHook() {
    Process child = process;
    shutdownHook = new Thread(child::destroy, "redis-server-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  private void unregisterShutdownHook() {
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // The hook is running or has run; the child is being killed either way.
      }
      shutdownHook = null;
    }
  }

  private static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /** A random 192-bit password in hex, as every server gets unless told otherwise. */
  public static String randomPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String quote(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** How the server fsyncs its append-only file. */
  public enum AppendFsync {
    /** fsync after every write: no acknowledged write is lost, even on a host crash. */
    ALWAYS("always"),
    /** fsync once a second: a process kill loses nothing, a host crash up to a second. */
    EVERYSEC("everysec");

    private final String configValue;

    AppendFsync(String configValue) {
      this.configValue = configValue;
    }

    String configValue() {
      return configValue;
    }
  }

  /** Configures a {@link ManagedRedisServer}; every setting has a safe default. */
  public static final class Builder {
    private final Path dataDirectory;
    private String executable = "redis-server";
    private String password;
    private AppendFsync appendFsync = AppendFsync.EVERYSEC;
    private boolean appendOnly = true;
    private long maxMemoryBytes = 512L * 1024 * 1024;
    private Duration startTimeout = Duration.ofSeconds(30);
    private final List<String> extraConfig = new ArrayList<>();
    private boolean hookOnExit = true;
    private int port;

    private Builder(Path dataDirectory) {
      this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
    }

    /** The binary to run; {@code redis-server} from PATH by default. */
    public Builder executable(String executable) {
      this.executable = Objects.requireNonNull(executable, "executable");
      return this;
    }

    /** The port to listen on; 0 (the default) picks a free loopback port. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port " + port + " is outside 0..65535");
      }
      this.port = port;
      return this;
    }

    /** The password clients must send; a random 192-bit one by default. */
    public Builder password(String password) {
      if (password == null || password.isBlank()) {
        throw new IllegalArgumentException("password must not be blank");
      }
      this.password = password;
      return this;
    }

    public Builder appendFsync(AppendFsync appendFsync) {
      this.appendFsync = Objects.requireNonNull(appendFsync, "appendFsync");
      return this;
    }

    /**
     * Whether the server keeps an append-only file (the default). Without one it loads {@code
     * dump.rdb} from its data directory at start and, since it never saves, writes nothing back: a
     * throwaway server that reads a backup's snapshot.
     */
    public Builder appendOnly(boolean appendOnly) {
      this.appendOnly = appendOnly;
      return this;
    }

    /** Memory the server may use before it refuses writes (never evicts); 512 MiB by default. */
    public Builder maxMemoryBytes(long maxMemoryBytes) {
      if (maxMemoryBytes < 1024 * 1024) {
        throw new IllegalArgumentException("maxMemoryBytes " + maxMemoryBytes + " is under 1 MiB");
      }
      this.maxMemoryBytes = maxMemoryBytes;
      return this;
    }

    public Builder startTimeout(Duration startTimeout) {
      Objects.requireNonNull(startTimeout, "startTimeout");
      if (startTimeout.compareTo(Duration.ofSeconds(1)) < 0
          || startTimeout.compareTo(MAX_START_TIMEOUT) > 0) {
        throw new IllegalArgumentException(
            "startTimeout "
                + startTimeout
                + " is outside 1 s.."
                + MAX_START_TIMEOUT.toMinutes()
                + " min");
      }
      this.startTimeout = startTimeout;
      return this;
    }

    /**
     * Configuration lines written after the defaults, which they may override: how a server joins a
     * replication group or a cluster ({@code replicaof}, {@code cluster-enabled yes}, {@code
     * sentinel monitor ...}).
     */
    public Builder config(String... lines) {
      extraConfig.addAll(List.of(lines));
      return this;
    }

    /**
     * Runs {@code redis-sentinel} from PATH instead: it answers {@code PING} and {@code SENTINEL}
     * commands and rewrites its configuration file as it learns the group.
     */
    public Builder sentinel() {
      return executable("redis-sentinel");
    }

    /**
     * The owner stops the server itself when the JVM exits, at the end of a shutdown sequence of
     * its own (its requests drained, their writes settled, its client closed), so no shutdown hook
     * of the server's is registered: the JVM runs its hooks all at once, and one stopping the
     * server would take the store away at the start of the owner's drain. The child process that
     * stops the server should the JVM vanish without running hooks stays.
     */
    public Builder stoppedByOwnerOnExit() {
      this.hookOnExit = false;
      return this;
    }

    public ManagedRedisServer build() {
      return new ManagedRedisServer(this);
    }
  }
}
