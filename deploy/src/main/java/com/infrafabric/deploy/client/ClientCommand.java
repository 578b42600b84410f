package com.infrafabric.deploy.client;

import com.infrafabric.deploy.cli.CliContext;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A command that makes requests to one running service and prints the answer: the service's JSON
 * with {@code --json}, a table for humans otherwise.
 */
abstract class ClientCommand implements Callable<Integer> {

  final CliContext context;
  private final Service service;

  @Mixin ConnectionOptions connection;

  @Option(names = "--json", description = "print the service's JSON instead of a table")
  private boolean json;

  ClientCommand(CliContext context, Service service) {
    this.context = context;
    this.service = service;
  }

  @Override
  public final Integer call() {
    RestClient client = connection.client(service, context);
    JsonObject answer;
    try (Progress progress = Progress.start(context.err(), progressLabel())) {
      answer = request(client);
      progress.succeeded();
    }
    if (json) {
      context.out().println(answer.encodePrettily());
    } else {
      print(answer);
    }
    return 0;
  }

  /** Sends this command's requests and returns the JSON to print. */
  abstract JsonObject request(RestClient client);

  /** What {@link Progress} shows on stderr if the answer takes more than a second. */
  String progressLabel() {
    return "waiting for the " + service.name().toLowerCase(Locale.ROOT);
  }

  /** Prints {@code answer} for a human. */
  abstract void print(JsonObject answer);

  /** One path segment, a scope such as {@code acme/search} included. */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
