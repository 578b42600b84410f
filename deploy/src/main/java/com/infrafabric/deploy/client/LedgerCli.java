package com.infrafabric.deploy.client;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.deploy.cli.CommandGroup;
import com.infrafabric.governor.ledger.Ledger;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code infrafabric ledger tail|export}: a tenant's audit ledger (token: admin or auditor). */
@Command(
    name = "ledger",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = "Read a tenant's spend ledger on a running governor (token: admin, auditor).",
    subcommands = {LedgerCli.Tail.class, LedgerCli.Export.class})
public final class LedgerCli extends CommandGroup {

  /** The columns of a ledger entry, in the order tables and CSV show them. */
  private static final List<String> COLUMNS =
      List.of(
          "id",
          "type",
          "timestamp",
          "scope",
          "reference",
          "amount_micros",
          "reserved_delta_micros",
          "spent_delta_micros");

  /** The governor's largest page. */
  private static final int PAGE = Ledger.MAX_PAGE_SIZE;

  @Command(
      name = "tail",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description =
          "Print the newest N entries of the last DURATION, oldest first, and how many the"
              + " DURATION holds.")
  static final class Tail extends ClientCommand {

    @Parameters(paramLabel = "TENANT")
    private String tenant;

    @Option(names = "--scope", paramLabel = "SCOPE", description = "only this subtree")
    private String scope;

    @Option(
        names = "--since",
        converter = LookBack.class,
        paramLabel = "DURATION",
        defaultValue = "PT1H",
        description = "how far back, ISO-8601 (default: ${DEFAULT-VALUE})")
    private Duration since;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "100",
        description = "the newest N entries (1..1000, default: ${DEFAULT-VALUE})")
    private int limit;

    Tail(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    /**
     * The ledger pages oldest first, so the window is read to its end, page by page, keeping only
     * the newest {@code limit} entries (never more in memory): a tail that showed the window's
     * first entries would hide the recent ones on a busy tenant.
     */
    @Override
    Answer request(RestClient client) {
      Bounds.within("--limit", limit, 1, PAGE);
      String from = context.clock().instant().minus(since).toString();
      ArrayDeque<JsonObject> newest = new ArrayDeque<>(limit);
      long inWindow = 0;
      String cursor = null;
      do {
        Answer page = client.get(query(tenant, scope, from, null, cursor, PAGE));
        for (Answer entry : page.objects("entries")) {
          if (newest.size() == limit) {
            newest.removeFirst();
          }
          newest.addLast(entry.json());
          inWindow++;
        }
        cursor = (String) page.optional("next_cursor");
      } while (cursor != null);
      return Answer.made(
          new JsonObject()
              .put("entries", new JsonArray(new ArrayList<>(newest)))
              .put("entries_in_window", inWindow));
    }

    @Override
    void print(Answer answer, PrintStream out) {
      Table table = Table.of(COLUMNS.stream().map(String::toUpperCase).toArray(String[]::new));
      List<Answer> entries = answer.objects("entries");
      for (Answer entry : entries) {
        table.row(COLUMNS.stream().map(entry::optional).toArray());
      }
      table.print(out);
      Object inWindow = answer.value("entries_in_window");
      out.println(
          "the newest " + entries.size() + " of " + inWindow + " entries of the last " + since);
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Print every entry (in a time range) as CSV, oldest first, page by page.")
  static final class Export implements Callable<Integer> {

    private final CliContext context;

    @Mixin private ConnectionOptions connection;

    @Parameters(paramLabel = "TENANT")
    private String tenant;

    @Option(names = "--csv", required = true, description = "RFC 4180 CSV with a header row")
    private boolean csv;

    @Option(names = "--scope", paramLabel = "SCOPE", description = "only this subtree")
    private String scope;

    @Option(names = "--from", paramLabel = "INSTANT", description = "e.g. 2026-12-01T00:00:00Z")
    private Instant from;

    @Option(names = "--to", paramLabel = "INSTANT")
    private Instant to;

    Export(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      TimeRange.requireOrdered(from, to);
      RestClient client = connection.client(Service.GOVERNOR, context);
      PrintStream out = context.out();
      String cursor = null;
      do {
        Answer page = client.get(query(tenant, scope, text(from), text(to), cursor, PAGE));
        List<Answer> entries = page.objects("entries");
        if (cursor == null) {
          out.println(String.join(",", COLUMNS));
        }
        entries.forEach(entry -> out.println(csvLine(entry)));
        cursor = (String) page.optional("next_cursor");
      } while (cursor != null);
      return 0;
    }
  }

  private static String query(
      String tenant, String scope, String from, String to, String cursor, int limit) {
    StringBuilder path =
        new StringBuilder("/v1/ledger/")
            .append(ClientCommand.segment(PathNames.segment("tenant", tenant)));
    path.append("?limit=").append(limit);
    append(path, "scope", scope);
    append(path, "from", from);
    append(path, "to", to);
    append(path, "cursor", cursor);
    return path.toString();
  }

  private static void append(StringBuilder path, String name, String value) {
    if (value != null) {
      path.append('&').append(name).append('=').append(ClientCommand.segment(value));
    }
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  static String csvLine(Answer entry) {
    return String.join(
        ",", COLUMNS.stream().map(column -> csvCell(entry.optional(column))).toList());
  }

  private static String csvCell(Object value) {
    String text = value == null ? "" : String.valueOf(value);
    boolean quote = text.contains(",") || text.contains("\"") || text.contains("\n");
    return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
  }
}
