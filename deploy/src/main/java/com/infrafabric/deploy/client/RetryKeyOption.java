package com.infrafabric.deploy.client;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Option;

/**
 * {@code --idempotency-key} of a command the governor answers once per key: run again with the same
 * key after an answer was lost, it gets the first result back instead of acting twice. Without it
 * the governor names the request itself, and running the command again acts again.
 */
final class RetryKeyOption {

  @Option(
      names = "--idempotency-key",
      paramLabel = "KEY",
      description = "names this request, so that running it again with the same key is a replay")
  private String key;

  /** A POST of {@code body} to {@code path}, under the key if one was named. */
  Answer post(RestClient client, String path, JsonObject body) {
    return key == null ? client.post(path, body) : client.post(path, body, key);
  }
}
