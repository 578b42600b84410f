package com.infrafabric.deploy.client;

import com.infrafabric.governor.ledger.Ledger;
import java.io.PrintStream;
import picocli.CommandLine.Option;

/**
 * {@code --cursor} and {@code --limit} of a command that prints one page of a listing, and the hint
 * that names the next page's cursor: every list route answers {@code next_cursor}.
 */
final class PageOptions {

  /**
   * The longest page every listing of both services returns ({@link Ledger#MAX_PAGE_SIZE} and the
   * registry's, budgets', reservations', keys' and tools' alike); a larger one is refused.
   */
  static final int MAX_LIMIT = Ledger.MAX_PAGE_SIZE;

  @Option(names = "--cursor", paramLabel = "CURSOR", description = "the previous page's next")
  private String cursor;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "at most N entries (1..1000, default: ${DEFAULT-VALUE})")
  private int limit;

  /** {@code path} (which may carry a query already) with this page's query parameters. */
  String appendTo(String path) {
    Bounds.within("--limit", limit, 1, MAX_LIMIT);
    StringBuilder query = new StringBuilder(path).append(path.contains("?") ? '&' : '?');
    query.append("limit=").append(limit);
    if (cursor != null) {
      query.append("&cursor=").append(ClientCommand.segment(cursor));
    }
    return query.toString();
  }

  /** Prints how to ask for the next page, if {@code answer} says there is one. */
  static void printNext(Answer answer, PrintStream out) {
    Object next = answer.optional("next_cursor");
    if (next != null) {
      out.println("more: --cursor " + next);
    }
  }
}
