package com.infrafabric.deploy.client;

import com.infrafabric.deploy.cli.CliContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
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
    check();
    RestClient client = connection.client(service, context);
    Answer answer;
    try (Progress progress = Progress.start(context.err(), progressLabel())) {
      answer = request(client);
      progress.succeeded();
    }
    show(answer, json, this::print, context.out());
    return 0;
  }

  /**
   * Prints {@code answer} as JSON or, with {@code json} false, as {@code table} prints it. The
   * table is rendered either way, first: it reads every field the command needs, so an answer
   * lacking one fails ({@link ForeignAnswer}) before anything is printed, with {@code --json} too.
   */
  static void show(
      Answer answer, boolean json, BiConsumer<Answer, PrintStream> table, PrintStream out) {
    ByteArrayOutputStream rendered = new ByteArrayOutputStream();
    table.accept(answer, new PrintStream(rendered, true, StandardCharsets.UTF_8));
    if (json) {
      out.println(answer.json().encodePrettily());
    } else {
      out.print(rendered.toString(StandardCharsets.UTF_8));
    }
  }

  /**
   * Reads and checks what the caller gave that the command can check itself: the files it names,
   * enumerations, ranges, options that go together. Runs before the token is read, anything is sent
   * or any progress is shown.
   *
   * @throws IllegalArgumentException naming the option and what is wrong: a usage error (exit 2)
   */
  void check() {}

  /** Sends this command's requests and returns the answer to print. */
  abstract Answer request(RestClient client);

  /** What {@link Progress} shows on stderr if the answer takes more than a second. */
  String progressLabel() {
    return "waiting for the " + service.name().toLowerCase(Locale.ROOT);
  }

  /** Prints {@code answer} for a human on {@code out}. */
  abstract void print(Answer answer, PrintStream out);

  /** One path segment, a scope such as {@code acme/search} included. */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
