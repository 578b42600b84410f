package com.infrafabric.governor.events;

import com.infrafabric.governor.budget.TenantCursor;
import com.infrafabric.platform.redis.RedisCommandException;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the events of each tenant's streams (budget and claims, see {@link EventStream}) to the
 * configured webhooks, signed with HMAC-SHA256, at least once, in the background: a charge only
 * appends to a stream and never waits for delivery.
 *
 * <p>Progress lives in Redis: a consumer group per stream records what was delivered, so several
 * governor nodes share the work and a restart resumes where it stopped. An event is acknowledged
 * when every URL answered 2xx; otherwise it stays pending and is retried after {@code firstRetry},
 * doubling each time, until {@code maxAttempts}, when it moves to the tenant's dead-letter stream.
 *
 * <p>A retry belongs to the node whose {@code XCLAIM} took the pending event, and that claim only
 * succeeds once the event has been idle for {@link WebhookSettings#claimAfter}: the claim resets
 * the idle time, so every other node's claim of the same retry fails, and the wait is longer than a
 * delivery in flight may take, so no node retries an event another node is still sending. Receivers
 * deduplicate by the {@code X-InfraFabric-Event-Id} header all the same (a node may fail after
 * sending and before acknowledging).
 */
public final class WebhookDispatcher {

  static final String GROUP = "webhooks";
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
  private static final int BATCH = 50;

  private final RedisStore redis;
  private final WebhookSettings settings;
  private final Clock clock;
  private final MeterRegistry meters;
  private final String consumer;
  private final HttpClient http;
  private final TenantCursor tenants;
  private final AtomicBoolean running = new AtomicBoolean();
  private long timerId = -1;

  public WebhookDispatcher(
      Vertx vertx,
      RedisStore redis,
      WebhookSettings settings,
      Clock clock,
      MeterRegistry meters,
      String consumer) {
    this.redis = redis;
    this.settings = settings;
    this.clock = clock;
    this.meters = meters;
    this.consumer = consumer;
    this.tenants = new TenantCursor(redis, 100);
    int timeout = (int) settings.timeout().toMillis();
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setConnectTimeout(timeout)
                .setIdleTimeout(timeout)
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setKeepAlive(false));
  }

  /** Delivers every {@code interval}; a tick is skipped while the previous one still runs. */
  public void start(Vertx vertx, Duration interval) {
    if (settings.enabled()) {
      timerId = vertx.setPeriodic(interval.toMillis(), id -> tick());
    }
  }

  public Future<Void> stop(Vertx vertx) {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    return http.close();
  }

  private void tick() {
    if (running.compareAndSet(false, true)) {
      deliverOnce()
          .onFailure(error -> LOG.warn("webhook delivery pass failed: {}", error.getMessage()))
          .onComplete(ignored -> running.set(false));
    }
  }

  /** One pass over the next page of tenants; returns how many events were delivered. */
  public Future<Integer> deliverOnce() {
    return tenants
        .next()
        .compose(
            page -> {
              Future<Integer> total = Future.succeededFuture(0);
              for (String tenant : page) {
                total = total.compose(sum -> deliver(tenant).map(count -> sum + count));
              }
              return total;
            });
  }

  private Future<Integer> deliver(String tenant) {
    Future<Integer> total = Future.succeededFuture(0);
    for (EventStream stream : EventStream.values()) {
      total = total.compose(sum -> deliver(tenant, stream).map(count -> sum + count));
    }
    return total;
  }

  private Future<Integer> deliver(String tenant, EventStream stream) {
    return ensureGroup(stream.key(tenant))
        .compose(ignored -> retryDue(tenant, stream))
        .compose(retried -> fresh(tenant, stream).map(delivered -> retried + delivered));
  }

  private Future<Void> ensureGroup(String stream) {
    Request create =
        Request.cmd(Command.XGROUP).arg("CREATE").arg(stream).arg(GROUP).arg("0").arg("MKSTREAM");
    return redis
        .send(create)
        .<Void>mapEmpty()
        .recover(
            error ->
                error instanceof RedisCommandException && error.getMessage().contains("BUSYGROUP")
                    ? Future.succeededFuture()
                    : Future.failedFuture(error));
  }

  /**
   * Retries pending events whose backoff has passed, and dead-letters those out of attempts, each
   * only if this node's claim of it succeeds.
   */
  private Future<Integer> retryDue(String tenant, EventStream stream) {
    Request pending =
        Request.cmd(Command.XPENDING)
            .arg(stream.key(tenant))
            .arg(GROUP)
            .arg("IDLE")
            .arg(settings.claimAfter(1).toMillis())
            .arg("-")
            .arg("+")
            .arg(BATCH);
    return redis
        .send(pending)
        .compose(
            entries -> {
              Future<Integer> done = Future.succeededFuture(0);
              for (Response entry : entries) {
                String id = entry.get(0).toString();
                long idle = entry.get(2).toLong();
                long attempts = entry.get(3).toLong();
                long claimAfter = settings.claimAfter(attempts).toMillis();
                if (idle < claimAfter) {
                  continue;
                }
                done =
                    done.compose(
                        sum ->
                            claim(tenant, stream, id, claimAfter)
                                .compose(
                                    claimed ->
                                        attempts >= settings.maxAttempts()
                                            ? deadLetter(tenant, stream, claimed).map(sum)
                                            : sendAll(tenant, stream, claimed).map(n -> sum + n)));
              }
              return done;
            });
  }

  /**
   * Takes the pending event {@code id} for this node if it has been idle for at least {@code
   * minIdleMillis}, as one atomic step in Redis; empty if another node took it first.
   */
  private Future<List<TenantEvent>> claim(
      String tenant, EventStream stream, String id, long minIdleMillis) {
    Request claim =
        Request.cmd(Command.XCLAIM)
            .arg(stream.key(tenant))
            .arg(GROUP)
            .arg(consumer)
            .arg(minIdleMillis)
            .arg(id);
    return redis.send(claim).map(claimed -> EventLog.events(tenant, stream, claimed));
  }

  private Future<Integer> fresh(String tenant, EventStream stream) {
    Request read =
        Request.cmd(Command.XREADGROUP)
            .arg("GROUP")
            .arg(GROUP)
            .arg(consumer)
            .arg("COUNT")
            .arg(BATCH)
            .arg("STREAMS")
            .arg(stream.key(tenant))
            .arg(">");
    return redis
        .send(read)
        .compose(reply -> sendAll(tenant, stream, entries(tenant, stream, reply)));
  }

  /** XREADGROUP answers {stream: entries} (RESP3 map) or [[stream, entries]] (RESP2). */
  private static List<TenantEvent> entries(String tenant, EventStream stream, Response reply) {
    if (reply == null) {
      return List.of();
    }
    Response entries = reply.isMap() ? reply.get(stream.key(tenant)) : reply.get(0).get(1);
    return EventLog.events(tenant, stream, entries);
  }

  private Future<Integer> sendAll(String tenant, EventStream stream, List<TenantEvent> events) {
    Future<Integer> done = Future.succeededFuture(0);
    for (TenantEvent event : events) {
      done =
          done.compose(
              sum ->
                  send(event)
                      .compose(
                          delivered ->
                              delivered
                                  ? ack(stream.key(tenant), event.id()).map(sum + 1)
                                  : Future.succeededFuture(sum)));
    }
    return done;
  }

  /** POSTs the event to every URL; true only if all answered 2xx. */
  private Future<Boolean> send(TenantEvent event) {
    JsonObject body =
        new JsonObject()
            .put("id", event.deliveryId())
            .put("tenant", event.tenant())
            .put("stream", event.stream().wireName());
    event.fields().forEach(body::put);
    String payload = body.encode();
    String signature =
        WebhookSignature.header(settings.secret(), clock.instant().getEpochSecond(), payload);
    List<Future<Boolean>> posts = new ArrayList<>();
    for (URI url : settings.urls()) {
      posts.add(post(url, event.deliveryId(), signature, payload));
    }
    return Future.all(posts)
        .map(all -> posts.stream().allMatch(Future::result))
        .onSuccess(ok -> delivery(ok ? "delivered" : "failed"));
  }

  private Future<Boolean> post(URI url, String eventId, String signature, String payload) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(url.toString())
            .setFollowRedirects(false)
            .setTimeout(settings.timeout().toMillis());
    return http.request(options)
        .compose(
            request ->
                request
                    .putHeader("Content-Type", "application/json")
                    .putHeader("X-InfraFabric-Event-Id", eventId)
                    .putHeader(WebhookSignature.HEADER, signature)
                    .send(payload))
        .compose(response -> response.body().map(ignored -> response.statusCode() / 100 == 2))
        .timeout(settings.deliveryDeadline().toMillis(), TimeUnit.MILLISECONDS)
        .recover(
            error -> {
              LOG.warn(
                  "webhook {} failed for event {}: {}", url.getHost(), eventId, error.getMessage());
              return Future.succeededFuture(false);
            });
  }

  private Future<Void> ack(String stream, String id) {
    return redis.send(Request.cmd(Command.XACK).arg(stream).arg(GROUP).arg(id)).mapEmpty();
  }

  /** Moves the events this node claimed to the tenant's dead-letter stream. */
  private void delivery(String outcome) {
    Counter.builder("governor.webhook.deliveries")
        .description(
            "Webhook deliveries of budget events by outcome (delivered, failed, dead_lettered)")
        .tag("outcome", outcome)
        .register(meters)
        .increment();
  }

  private Future<Void> deadLetter(String tenant, EventStream stream, List<TenantEvent> claimed) {
    Future<Void> done = Future.succeededFuture();
    for (TenantEvent event : claimed) {
      done = done.compose(ignored -> deadLetter(tenant, stream, event));
    }
    return done;
  }

  private Future<Void> deadLetter(String tenant, EventStream stream, TenantEvent event) {
    delivery("dead_lettered");
    LOG.warn(
        "webhook event {} of tenant {} dead-lettered after {} attempts",
        event.deliveryId(),
        tenant,
        settings.maxAttempts());
    Request copy =
        Request.cmd(Command.XADD)
            .arg("gov:{" + tenant + "}:events-dead")
            .arg("MAXLEN")
            .arg("~")
            .arg(10_000)
            .arg("*")
            .arg("event_id")
            .arg(event.deliveryId());
    return redis.send(copy).compose(ignored -> ack(stream.key(tenant), event.id()));
  }
}
