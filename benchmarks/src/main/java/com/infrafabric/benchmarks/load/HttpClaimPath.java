package com.infrafabric.benchmarks.load;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The claim path over HTTP, as an orchestrator drives it around one task: {@code POST /v1/claims}
 * as a dispatcher with a task requiring two of the {@value #CAPABILITIES} capabilities (201: the
 * best agent is chosen among those registered, its budget held and a lease started), then {@code
 * POST /v1/leases/{lease}/finish} for that agent with a successful outcome and the spend (200).
 * Each task has an id of its own. Not thread-safe: start operations from the client's context only.
 */
final class HttpClaimPath implements Operation {

  /** Capabilities the registered agents hold three each of ({@link GovernorUnderLoad}). */
  static final int CAPABILITIES = 50;

  private final LoadClient client;
  private final String dispatcher;
  private final String scope;
  private final String runId;
  private final SplittableRandom random = new SplittableRandom(12);
  private long tasks;

  /**
   * Claims on {@code scope} with the {@code dispatcher} token; {@code runId} keeps task ids of
   * separate phases apart.
   */
  HttpClaimPath(LoadClient client, String dispatcher, String scope, String runId) {
    this.client = client;
    this.dispatcher = dispatcher;
    this.scope = scope;
    this.runId = runId;
  }

  @Override
  public Future<JsonObject> start() {
    return client
        .post("/v1/claims", dispatcher, task(), 201)
        .compose(
            claimed ->
                client.post(
                    "/v1/leases/" + encode(claimed.getString("lease_id")) + "/finish",
                    dispatcher,
                    finish(claimed),
                    200));
  }

  private Buffer task() {
    int first = random.nextInt(CAPABILITIES);
    int second = (first + 1 + random.nextInt(CAPABILITIES - 1)) % CAPABILITIES;
    return new JsonObject()
        .put("task_id", runId + "-" + tasks++)
        .put("scope", scope)
        .put("required", new JsonArray(List.of("c" + first, "c" + second)))
        .put("max_cost_micros", 1_000_000)
        .toBuffer();
  }

  private static Buffer finish(JsonObject claimed) {
    return new JsonObject()
        .put("agent_id", claimed.getString("agent_id"))
        .put("outcome", "succeeded")
        .put("amount_micros", Math.max(0, claimed.getLong("reserved_micros") - 100))
        .put("latency_ms", 200)
        .toBuffer();
  }

  /** A lease id as one path segment. */
  private static String encode(String lease) {
    return lease.replace("%", "%25").replace("/", "%2F").replace("#", "%23");
  }
}
