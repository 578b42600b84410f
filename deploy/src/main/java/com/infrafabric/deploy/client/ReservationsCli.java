package com.infrafabric.deploy.client;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.deploy.cli.CommandGroup;
import com.infrafabric.governor.budget.ReservationFilter;
import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code infrafabric reservations list}: what holds or held budget on a running governor. */
@Command(
    name = "reservations",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = "List reservations on a running governor (token: tenant admin or auditor).",
    subcommands = {ReservationsCli.ListReservations.class})
public final class ReservationsCli extends CommandGroup {

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description =
          "Print one page of a subtree's reservations (default: the token's), in no particular"
              + " order; a page may be short while more follow.")
  static final class ListReservations extends ClientCommand {

    @Mixin private SubtreeOption subtree;

    @Option(
        names = "--state",
        paramLabel = "STATE",
        defaultValue = "any",
        description = "open, finished or any (default: ${DEFAULT-VALUE})")
    private String state;

    @Mixin private PageOptions page;

    ListReservations(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    @Override
    void check() {
      WireNames.of("--state", state, ReservationFilter.values(), ReservationFilter::wireName);
    }

    @Override
    Answer request(RestClient client) {
      String path = "/v1/reservations?state=" + segment(state);
      return client.get(page.appendTo(subtree.appendTo(path)));
    }

    @Override
    void print(Answer answer, PrintStream out) {
      Table table =
          Table.of("RESERVATION", "SCOPE", "STATE", "AMOUNT_MICROS", "ACTUAL_MICROS", "CREATED_AT");
      for (Answer reservation : answer.objects("reservations")) {
        table.row(
            reservation.string("reservation_id"),
            reservation.string("scope"),
            reservation.string("state"),
            reservation.value("amount_micros"),
            reservation.optional("actual_micros"),
            reservation.string("created_at"));
      }
      table.print(out);
      PageOptions.printNext(answer, out);
    }
  }
}
