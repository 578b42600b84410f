package com.infrafabric.deploy.client;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.governor.spend.SpendDimension;
import com.infrafabric.governor.spend.SpendQuery;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code infrafabric spend --by key,model,day [--csv]}: spend of a subtree over a time range,
 * grouped (token: admin or auditor). The CSV is the governor's own, printed as it came.
 */
@Command(
    name = "spend",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description =
        "Report spend grouped by key, model, scope, day, provider (token: admin, auditor).")
public final class SpendCli implements Callable<Integer> {

  private final CliContext context;

  @Mixin private ConnectionOptions connection;

  @Option(
      names = "--by",
      split = ",",
      paramLabel = "DIMENSION",
      defaultValue = "scope",
      description = "key, model, scope, day, provider; comma-separated (default: ${DEFAULT-VALUE})")
  private List<String> by;

  @Option(names = "--scope", paramLabel = "SCOPE", description = "this subtree (default: token's)")
  private String scope;

  @Option(
      names = "--since",
      converter = LookBack.class,
      paramLabel = "DURATION",
      defaultValue = "P1D",
      description = "the range ends now and starts this long before (default: ${DEFAULT-VALUE})")
  private Duration since;

  @Option(names = "--from", paramLabel = "INSTANT", description = "start, instead of --since")
  private Instant from;

  @Option(names = "--to", paramLabel = "INSTANT", description = "end (default: now)")
  private Instant to;

  @Option(names = "--csv", description = "RFC 4180 CSV with a header row")
  private boolean csv;

  @Option(names = "--json", description = "print the service's JSON instead of a table")
  private boolean json;

  public SpendCli(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Instant end = to != null ? to : context.clock().instant();
    Instant start = from != null ? from : end.minus(since);
    checkRange(start, end);
    String groupBy = groupBy();
    RestClient client = connection.client(Service.GOVERNOR, context);
    StringBuilder path =
        new StringBuilder("/v1/spend?group_by=")
            .append(ClientCommand.segment(groupBy))
            .append("&from=")
            .append(ClientCommand.segment(start.toString()))
            .append("&to=")
            .append(ClientCommand.segment(end.toString()));
    if (scope != null) {
      path.append("&scope=").append(ClientCommand.segment(scope));
    }
    if (csv) {
      context.out().print(client.getCsv(path + "&format=csv"));
      return 0;
    }
    ClientCommand.show(client.get(path.toString()), json, SpendCli::table, context.out());
    return 0;
  }

  /** {@code --by} as the governor reads it: distinct {@link SpendDimension} wire names. */
  private String groupBy() {
    List<SpendDimension> dimensions =
        by.stream()
            .map(
                name ->
                    WireNames.of("--by", name, SpendDimension.values(), SpendDimension::wireName))
            .toList();
    if (dimensions.stream().distinct().count() != dimensions.size()) {
      throw new IllegalArgumentException("--by names a dimension twice: " + String.join(",", by));
    }
    return String.join(",", by);
  }

  /** The range as a {@link SpendQuery} takes it: {@code --to} after the start, at most its span. */
  private static void checkRange(Instant start, Instant end) {
    TimeRange.requireOrdered(start, end);
    if (Duration.between(start, end).compareTo(SpendQuery.MAX_RANGE) > 0) {
      throw new IllegalArgumentException(
          "a report covers at most "
              + SpendQuery.MAX_RANGE.toDays()
              + " days: "
              + start
              + ".."
              + end);
    }
  }

  private static void table(Answer answer, PrintStream out) {
    List<String> groupBy = answer.strings("group_by");
    List<String> headers = new ArrayList<>();
    groupBy.forEach(d -> headers.add(d.toUpperCase(Locale.ROOT)));
    headers.addAll(List.of("SPENT_MICROS", "CALLS", "INPUT_TOKENS", "OUTPUT_TOKENS"));
    Table table = Table.of(headers.toArray(String[]::new));
    for (Answer row : answer.objects("rows")) {
      Answer group = row.object("group");
      List<Object> cells = new ArrayList<>();
      groupBy.forEach(d -> cells.add(group.optional(d)));
      cells.addAll(
          List.of(
              row.value("spent_micros"),
              row.value("calls"),
              row.value("input_tokens"),
              row.value("output_tokens")));
      table.row(cells.toArray());
    }
    table.print(out);
  }
}
