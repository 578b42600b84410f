package com.infrafabric.deploy.client;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.deploy.cli.CommandGroup;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.budget.Limit;
import com.infrafabric.governor.tenant.Window;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code infrafabric budgets list|get|set|status}: caps and what has been spent. */
@Command(
    name = "budgets",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = "Read and set budgets on a running governor (token: admin, auditor or agent).",
    subcommands = {
      BudgetsCli.ListBudgets.class,
      BudgetsCli.Get.class,
      BudgetsCli.Set.class,
      BudgetsCli.Status.class
    })
public final class BudgetsCli extends CommandGroup {

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Print the budgets of a subtree (default: the token's), one page.")
  static final class ListBudgets extends ClientCommand {

    @Mixin private SubtreeOption subtree;

    @Mixin private PageOptions page;

    ListBudgets(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    @Override
    Answer request(RestClient client) {
      return client.get(page.appendTo(subtree.appendTo("/v1/budgets")));
    }

    @Override
    void print(Answer answer, PrintStream out) {
      Table table = Table.of("SCOPE", "WINDOW", "CAP_MICROS", "THRESHOLDS_PCT");
      for (Answer budget : answer.objects("budgets")) {
        addLimits(table, budget);
      }
      table.print(out);
      PageOptions.printNext(answer, out);
    }
  }

  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Print a scope's caps per window.")
  static final class Get extends ClientCommand {

    @Parameters(paramLabel = "SCOPE", description = "acme, acme/search, ...")
    private String scope;

    Get(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    @Override
    Answer request(RestClient client) {
      return client.get("/v1/budgets/" + segment(PathNames.scope(scope)));
    }

    @Override
    void print(Answer answer, PrintStream out) {
      printLimits(answer, out);
    }
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Put a scope's caps (replaces its budget; token: admin).")
  static final class Set extends ClientCommand {

    @Parameters(paramLabel = "SCOPE")
    private String scope;

    @Option(
        names = "--cap",
        required = true,
        paramLabel = "WINDOW=MICROS",
        description =
            "a window (day, month, lifetime) and its cap in micro-dollars; repeatable, each window"
                + " once")
    private List<String> caps;

    @Option(
        names = "--thresholds",
        split = ",",
        paramLabel = "PCT",
        description = "alert thresholds in percent, e.g. 50,80")
    private List<Integer> thresholds = List.of();

    private JsonObject limits;

    Set(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    @Override
    void check() {
      limits = new JsonObject();
      for (String cap : caps) {
        String[] parts = cap.split("=", 2);
        if (parts.length != 2 || !parts[1].matches("[0-9]{1,19}")) {
          throw new IllegalArgumentException(
              "--cap " + cap + " must be WINDOW=MICROS, e.g. day=5000000");
        }
        WireNames.of("--cap window", parts[0], Window.values(), Window::wireName);
        if (limits.containsKey(parts[0])) {
          throw new IllegalArgumentException("--cap names the window " + parts[0] + " twice");
        }
        Limit limit;
        try {
          // The governor's own rules of a limit, so what it would refuse is refused here.
          limit = new Limit(Long.parseLong(parts[1]), thresholds);
        } catch (NumberFormatException | GovernorException refused) {
          throw new IllegalArgumentException(
              "--cap " + cap + " with --thresholds " + thresholds + ": " + why(refused));
        }
        limits.put(
            parts[0],
            new JsonObject()
                .put("cap_micros", limit.capMicros())
                .put("thresholds_pct", new JsonArray(limit.thresholdPercents())));
      }
    }

    private static String why(RuntimeException refused) {
      return refused instanceof NumberFormatException
          ? "the cap is not a whole number of micro-dollars"
          : refused.getMessage();
    }

    @Override
    Answer request(RestClient client) {
      return client.put(
          "/v1/budgets/" + segment(PathNames.scope(scope)), new JsonObject().put("limits", limits));
    }

    @Override
    void print(Answer answer, PrintStream out) {
      printLimits(answer, out);
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Print spent, reserved and remaining per scope and window.")
  static final class Status extends ClientCommand {

    @Parameters(paramLabel = "SCOPE")
    private String scope;

    Status(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    @Override
    Answer request(RestClient client) {
      return client.get("/v1/budgets/" + segment(PathNames.scope(scope)) + "/status");
    }

    @Override
    void print(Answer answer, PrintStream out) {
      Table table = Table.of("SCOPE", "WINDOW", "CAP", "SPENT", "RESERVED", "REMAINING");
      for (Answer layer : answer.objects("layers")) {
        table.row(
            layer.string("scope"),
            layer.string("window"),
            layer.optional("cap_micros"),
            layer.value("spent_micros"),
            layer.value("reserved_micros"),
            layer.optional("remaining_micros"));
      }
      table.print(out);
    }
  }

  private static void printLimits(Answer budget, PrintStream out) {
    Table table = Table.of("SCOPE", "WINDOW", "CAP_MICROS", "THRESHOLDS_PCT");
    addLimits(table, budget);
    table.print(out);
  }

  private static void addLimits(Table table, Answer budget) {
    Answer limits = budget.object("limits");
    for (String window : limits.fieldNames()) {
      Answer limit = limits.object(window);
      table.row(
          budget.string("scope"),
          window,
          limit.value("cap_micros"),
          limit.array("thresholds_pct").encode());
    }
  }
}
