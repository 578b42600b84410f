package com.infrafabric.platform.auth;

import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's public JWK set file, re-read without a restart so keys can be rotated: checked
 * when a token arrives and the last check is older than the refresh interval, or when a token names
 * an unknown key id and the last check is older than one second (so a flood of made-up key ids
 * costs at most one file read a second). Reads go through the Vert.x file system, never blocking an
 * event loop.
 *
 * <p>A file that becomes unreadable or invalid keeps the last good keys in force and is logged;
 * only the first load fails. Thread-safe; concurrent checks share one read.
 */
final class JwksFile {

  private static final Logger LOG = LoggerFactory.getLogger(JwksFile.class);
  private static final Duration UNKNOWN_KID_COOLDOWN = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final Path path;
  private final Clock clock;
  private final Duration refresh;
  private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();
  private final AtomicReference<Future<JWKSet>> reading = new AtomicReference<>();

  JwksFile(Vertx vertx, Path path, Clock clock, Duration refresh) {
    this.vertx = vertx;
    this.path = path;
    this.clock = clock;
    this.refresh = refresh;
  }

  /** The keys in force, re-read first if the refresh interval has passed. */
  Future<JWKSet> current() {
    Snapshot now = snapshot.get();
    return now == null || isOlderThan(now, refresh) ? read() : Future.succeededFuture(now.keys());
  }

  /** The keys after re-reading the file, unless it was read less than a second ago. */
  Future<JWKSet> afterUnknownKey() {
    Snapshot now = snapshot.get();
    return now == null || isOlderThan(now, UNKNOWN_KID_COOLDOWN)
        ? read()
        : Future.succeededFuture(now.keys());
  }

  /** Reads the file now; fails if it has never been read successfully and cannot be now. */
  Future<JWKSet> read() {
    Promise<JWKSet> promise = Promise.promise();
    Future<JWKSet> inFlight = reading.compareAndExchange(null, promise.future());
    if (inFlight != null) {
      return inFlight;
    }
    vertx
        .fileSystem()
        .readFile(path.toString())
        .transform(this::install)
        .onComplete(
            outcome -> {
              reading.set(null);
              promise.handle(outcome);
            });
    return promise.future();
  }

  private Future<JWKSet> install(AsyncResult<Buffer> file) {
    if (file.failed()) {
      return keepPrevious(file.cause());
    }
    String text = file.result().toString(StandardCharsets.UTF_8);
    Snapshot previous = snapshot.get();
    if (previous != null && previous.text().equals(text)) {
      snapshot.set(new Snapshot(text, previous.keys(), clock.instant()));
      return Future.succeededFuture(previous.keys());
    }
    JWKSet keys;
    try {
      keys = JWKSet.parse(text).toPublicJWKSet();
    } catch (ParseException e) {
      return keepPrevious(e);
    }
    if (keys.isEmpty()) {
      return keepPrevious(new IllegalStateException("the JWK set has no public keys"));
    }
    snapshot.set(new Snapshot(text, keys, clock.instant()));
    return Future.succeededFuture(keys);
  }

  private Future<JWKSet> keepPrevious(Throwable failure) {
    Snapshot previous = snapshot.get();
    if (previous == null) {
      return Future.failedFuture(
          new IllegalStateException("JWKS file " + path + " is unreadable or invalid", failure));
    }
    LOG.warn("JWKS file {} is unreadable or invalid; keeping the previous keys", path, failure);
    snapshot.set(new Snapshot(previous.text(), previous.keys(), clock.instant()));
    return Future.succeededFuture(previous.keys());
  }

  private boolean isOlderThan(Snapshot snapshot, Duration age) {
    return !clock.instant().isBefore(snapshot.readAt().plus(age));
  }

  private record Snapshot(String text, JWKSet keys, Instant readAt) {}
}
