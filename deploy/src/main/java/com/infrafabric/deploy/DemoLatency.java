package com.infrafabric.deploy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures the claim path and the charge path over HTTP the way a benchmark does, after the tool
 * runs and apart from them: a warm-up the figures ignore (the services' code is compiled, their
 * connections open), then {@value #SAMPLES} samples of each path, one request at a time, with
 * p50/p99/p99.9 against the 10 ms promise. The figures describe this machine at this moment, so
 * they come with its load average.
 *
 * <p>A claim sample is one {@code POST /v1/claims} for a task only the bench agent qualifies for;
 * the lease is finished after the clock stops. A charge sample is {@code POST /v1/reservations}
 * then its commit.
 */
final class DemoLatency {

  static final int WARMUP = 200;
  static final int SAMPLES = 1_000;
  static final double PROMISE_MILLIS = 10;

  /** The capability only the bench agent holds, so its tasks never compete with the demo's. */
  static final String CAPABILITY = "bench";

  /** The bench agent's id. */
  static final String WORKER = "bench-worker";

  private final ApiClient governor;
  private final String scope;
  private final String dispatcher;
  private final String agent;
  private final String worker;
  private int tasks;

  /**
   * Measures on {@code scope}, claiming with the {@code dispatcher} token, charging with the {@code
   * agent} token and finishing leases with the {@code worker} token (the bench agent's own).
   */
  DemoLatency(ApiClient governor, String scope, String dispatcher, String agent, String worker) {
    this.governor = governor;
    this.scope = scope;
    this.dispatcher = dispatcher;
    this.agent = agent;
    this.worker = worker;
  }

  /** Percentiles of one path's samples, in milliseconds. */
  record Percentiles(double p50, double p99, double p999, int samples) {

    static Percentiles of(List<Duration> samples) {
      List<Long> nanos = samples.stream().map(Duration::toNanos).sorted().toList();
      return new Percentiles(at(nanos, 0.50), at(nanos, 0.99), at(nanos, 0.999), nanos.size());
    }

    private static double at(List<Long> sorted, double quantile) {
      int index = (int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1);
      return sorted.get(Math.max(0, index)) / 1e6;
    }

    /** One report line: the percentiles and where the p99 stands against the promise. */
    String line() {
      return String.format(
          Locale.ROOT,
          "p50 %.2f ms   p99 %.2f ms   p99.9 %.2f ms   (n=%d)   p99 %s the %.0f ms line",
          p50,
          p99,
          p999,
          samples,
          p99 < PROMISE_MILLIS ? "under" : "OVER",
          PROMISE_MILLIS);
    }
  }

  /**
   * What was measured and where.
   *
   * @param claim the claim path
   * @param charge reserve + commit
   * @param loadAverage the machine's one-minute load average when the measurement began
   * @param cores processors available
   */
  record Measurement(Percentiles claim, Percentiles charge, double loadAverage, int cores) {}

  Measurement measure() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    for (int i = 0; i < WARMUP; i++) {
      claim();
      charge();
    }
    List<Duration> claims = new ArrayList<>(SAMPLES);
    List<Duration> charges = new ArrayList<>(SAMPLES);
    for (int i = 0; i < SAMPLES; i++) {
      claims.add(claim());
      charges.add(charge());
    }
    return new Measurement(
        Percentiles.of(claims),
        Percentiles.of(charges),
        load,
        Runtime.getRuntime().availableProcessors());
  }

  /** Claims a bench task, finishes its lease, and returns how long the claim took. */
  private Duration claim() {
    ApiClient.Answer claimed =
        expect(
            governor.post(
                "/v1/claims",
                dispatcher,
                new JsonObject()
                    .put("task_id", "bench-" + tasks++)
                    .put("scope", scope)
                    .put("required", new JsonArray().add(CAPABILITY))
                    .put("max_cost_micros", 1_000)),
            "bench claim");
    JsonObject lease = claimed.body();
    expect(
        governor.post(
            "/v1/leases/" + encode(lease.getString("lease_id")) + "/finish",
            worker,
            new JsonObject()
                .put("agent_id", lease.getString("agent_id"))
                .put("outcome", "succeeded")
                .put("amount_micros", lease.getLong("reserved_micros"))),
        "bench finish");
    return claimed.took();
  }

  /** Reserves and commits one small LLM call; returns how long the pair took. */
  private Duration charge() {
    long start = System.nanoTime();
    ApiClient.Answer reserved =
        expect(
            governor.post(
                "/v1/reservations",
                agent,
                new JsonObject()
                    .put("scope", scope)
                    .put("model", "gpt-4o-mini")
                    .put("input_tokens", 500)
                    .put("max_output_tokens", 200)),
            "bench reserve");
    expect(
        governor.post(
            "/v1/reservations/" + reserved.body().getString("reservation_id") + "/commit",
            agent,
            new JsonObject()
                .put("model", "gpt-4o-mini")
                .put("input_tokens", 480)
                .put("output_tokens", 150)),
        "bench commit");
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static String encode(String lease) {
    return lease.replace("%", "%25").replace("/", "%2F").replace("#", "%23");
  }

  private static ApiClient.Answer expect(ApiClient.Answer answer, String step) {
    if (!answer.ok()) {
      throw new IllegalStateException(
          step + " failed: " + answer.status() + " " + answer.body().encode());
    }
    return answer;
  }
}
