package com.infrafabric.deploy.client;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.deploy.cli.CommandGroup;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
    JsonObject request(RestClient client) {
      String path = "/v1/reservations?state=" + segment(state);
      return client.get(page.appendTo(subtree.appendTo(path)));
    }

    @Override
    void print(JsonObject answer) {
      Table table =
          Table.of("RESERVATION", "SCOPE", "STATE", "AMOUNT_MICROS", "ACTUAL_MICROS", "CREATED_AT");
      for (Object entry : answer.getJsonArray("reservations", new JsonArray())) {
        JsonObject reservation = (JsonObject) entry;
        table.row(
            reservation.getString("reservation_id"),
            reservation.getString("scope"),
            reservation.getString("state"),
            reservation.getValue("amount_micros"),
            reservation.getValue("actual_micros") == null
                ? "-"
                : reservation.getValue("actual_micros"),
            reservation.getString("created_at"));
      }
      table.print(context.out());
      PageOptions.printNext(answer, context.out());
    }
  }
}
