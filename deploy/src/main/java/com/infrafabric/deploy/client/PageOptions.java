package com.infrafabric.deploy.client;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import picocli.CommandLine.Option;

/** The options of a listing command that reads one page of a subtree: scope, cursor, limit. */
final class PageOptions {

  @Option(names = "--scope", paramLabel = "SCOPE", description = "list this subtree")
  private String scope;

  @Option(names = "--cursor", paramLabel = "CURSOR", description = "the previous page's next")
  private String cursor;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "at most N per page (1..1000, default: ${DEFAULT-VALUE})")
  private int limit;

  /** {@code path} with these options as its query. */
  String query(String path) {
    StringBuilder query = new StringBuilder(path).append("?limit=").append(limit);
    if (scope != null) {
      query.append("&scope=").append(ClientCommand.segment(scope));
    }
    if (cursor != null) {
      query.append("&cursor=").append(ClientCommand.segment(cursor));
    }
    return query.toString();
  }

  /** Says how to ask for the next page, if there is one. */
  static void printNext(JsonObject page, PrintStream out) {
    String next = page.getString("next_cursor");
    if (next != null) {
      out.println("more: --cursor " + next);
    }
  }
}
