package com.infrafabric.benchmarks.load;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * What the machine and the harness cost before the governor does any work: two liveness probes in a
 * row ({@code GET /health/live}, answered by the service's event loop with a constant body, no
 * Redis, no authentication), as reserve + commit is two requests in a row. Sent by the same client
 * to the same service at the same rate, its latency is the floor under the charge path's: the
 * client, the kernel's loopback, the service's HTTP handling and the scheduling of every thread on
 * the machine's cores. A charge-path target below this floor cannot be met on that machine whatever
 * the governor does.
 */
final class HttpFloor implements Operation {

  static final String PROBE = "/health/live";

  private final LoadClient client;

  HttpFloor(LoadClient client) {
    this.client = client;
  }

  @Override
  public Future<JsonObject> start() {
    return client.get(PROBE, 200).compose(first -> client.get(PROBE, 200));
  }
}
