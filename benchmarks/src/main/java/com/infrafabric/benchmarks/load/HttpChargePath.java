package com.infrafabric.benchmarks.load;

import com.infrafabric.benchmarks.BenchmarkCall;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The charge path over HTTP, as an agent calls it around one LLM call: {@code POST
 * /v1/reservations} with the model and the token estimate (201), then {@code POST
 * /v1/reservations/{id}/commit} with the tokens used (200), each with its own {@code
 * Idempotency-Key}. Operations take the agents in turn, each with its own token and scope, so
 * per-principal rate-limit buckets are spread as many agents spread them rather than all contended
 * by one. Not thread-safe: start operations from the client's context only.
 */
final class HttpChargePath implements Operation {

  /**
   * One agent's credentials and its prepared reserve body.
   *
   * @param token a bearer token confined to the agent's scope
   * @param reserveBody the reserve request, encoded once
   */
  record Agent(String token, Buffer reserveBody) {}

  private final LoadClient client;
  private final List<Agent> agents;
  private final Buffer commitBody;
  private int next;

  HttpChargePath(LoadClient client, BenchmarkCall call, List<Agent> agents) {
    this.client = client;
    this.agents = List.copyOf(agents);
    this.commitBody =
        new JsonObject()
            .put("model", call.model().model())
            .put("input_tokens", call.used().inputTokens())
            .put("cached_input_tokens", call.used().cachedInputTokens())
            .put("output_tokens", call.used().outputTokens())
            .toBuffer();
  }

  /** Agent with {@code token} charging {@code call} on {@code scope}. */
  static Agent agent(String token, String scope, BenchmarkCall call) {
    return new Agent(
        token,
        new JsonObject()
            .put("scope", scope)
            .put("model", call.model().model())
            .put("input_tokens", call.inputTokens())
            .put("max_output_tokens", call.maxOutputTokens())
            .toBuffer());
  }

  @Override
  public Future<JsonObject> start() {
    Agent agent = agents.get(next);
    next = (next + 1) % agents.size();
    return client
        .post("/v1/reservations", agent.token(), agent.reserveBody(), 201)
        .compose(
            reserved ->
                client.post(
                    "/v1/reservations/" + reserved.getString("reservation_id") + "/commit",
                    agent.token(),
                    commitBody,
                    200));
  }
}
