package com.infrafabric.governor.events;

import com.infrafabric.governor.budget.TenantCursor;
import com.infrafabric.platform.redis.RedisCommandException;
import com.infrafabric.platform.redis.RedisStore;
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
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers each tenant's budget events to the configured webhooks, signed with HMAC-SHA256, at
 * least once, in the background: a charge only appends to the events stream and never waits for
 * delivery.
 *
 * <p>Progress lives in Redis: a consumer group per events stream records what was delivered, so
 * several governor nodes share the work and a restart resumes where it stopped. An event is
 * acknowledged when every URL answered 2xx; otherwise it stays pending and is retried after {@code
 * firstRetry}, doubling each time, until {@code maxAttempts}, when it moves to the tenant's
 * dead-letter stream. Receivers deduplicate by the {@code X-InfraFabric-Event-Id} header.
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
                .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
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
    String stream = EventLog.key(tenant);
    return ensureGroup(stream)
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

  /** Retries pending events whose backoff has passed; dead-letters those out of attempts. */
  private Future<Integer> retryDue(String tenant, String stream) {
    Request pending =
        Request.cmd(Command.XPENDING)
            .arg(stream)
            .arg(GROUP)
            .arg("IDLE")
            .arg(settings.firstRetry().toMillis())
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
                if (attempts >= settings.maxAttempts()) {
                  done = done.compose(sum -> deadLetter(tenant, stream, id).map(sum));
                } else if (idle >= settings.backoff(attempts).toMillis()) {
                  done = done.compose(sum -> claimAndSend(tenant, stream, id).map(n -> sum + n));
                }
              }
              return done;
            });
  }

  private Future<Integer> claimAndSend(String tenant, String stream, String id) {
    Request claim = Request.cmd(Command.XCLAIM).arg(stream).arg(GROUP).arg(consumer).arg(0).arg(id);
    return redis
        .send(claim)
        .compose(claimed -> sendAll(tenant, stream, EventLog.events(tenant, claimed)));
  }

  private Future<Integer> fresh(String tenant, String stream) {
    Request read =
        Request.cmd(Command.XREADGROUP)
            .arg("GROUP")
            .arg(GROUP)
            .arg(consumer)
            .arg("COUNT")
            .arg(BATCH)
            .arg("STREAMS")
            .arg(stream)
            .arg(">");
    return redis.send(read).compose(reply -> sendAll(tenant, stream, entries(tenant, reply)));
  }

  /** XREADGROUP answers {stream: entries} (RESP3 map) or [[stream, entries]] (RESP2). */
  private static List<BudgetEvent> entries(String tenant, Response reply) {
    if (reply == null) {
      return List.of();
    }
    Response entries = reply.isMap() ? reply.get(EventLog.key(tenant)) : reply.get(0).get(1);
    return EventLog.events(tenant, entries);
  }

  private Future<Integer> sendAll(String tenant, String stream, List<BudgetEvent> events) {
    Future<Integer> done = Future.succeededFuture(0);
    for (BudgetEvent event : events) {
      done =
          done.compose(
              sum ->
                  send(event)
                      .compose(
                          delivered ->
                              delivered
                                  ? ack(stream, event.id()).map(sum + 1)
                                  : Future.succeededFuture(sum)));
    }
    return done;
  }

  /** POSTs the event to every URL; true only if all answered 2xx. */
  private Future<Boolean> send(BudgetEvent event) {
    JsonObject body = new JsonObject().put("id", event.id()).put("tenant", event.tenant());
    event.fields().forEach(body::put);
    String payload = body.encode();
    String signature =
        WebhookSignature.header(settings.secret(), clock.instant().getEpochSecond(), payload);
    List<Future<Boolean>> posts = new ArrayList<>();
    for (URI url : settings.urls()) {
      posts.add(post(url, event.id(), signature, payload));
    }
    return Future.all(posts)
        .map(all -> posts.stream().allMatch(Future::result))
        .onSuccess(
            ok ->
                meters
                    .counter("governor.webhook.deliveries", "outcome", ok ? "delivered" : "failed")
                    .increment());
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

  private Future<Void> deadLetter(String tenant, String stream, String id) {
    meters.counter("governor.webhook.deliveries", "outcome", "dead_lettered").increment();
    LOG.warn(
        "webhook event {} of tenant {} dead-lettered after {} attempts",
        id,
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
            .arg(id);
    return redis.send(copy).compose(ignored -> ack(stream, id));
  }
}
