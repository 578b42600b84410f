package com.infrafabric.governor.gateway;

import com.infrafabric.governor.budget.Budgets;
import com.infrafabric.governor.budget.ReserveOutcome;
import com.infrafabric.governor.budget.UsageStatus;
import com.infrafabric.governor.tenant.LayerStatus;
import com.infrafabric.governor.tenant.Scope;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;

/**
 * The caller's budget state on a gateway answer: the tightest capped window of its scope and every
 * ancestor (the least remaining), as {@code x-budget-remaining-micros}, {@code x-budget-scope} and
 * {@code x-budget-window}. When no layer of the scope has a cap, none of the three is sent: there
 * is no remaining amount to state.
 */
final class BudgetHeaders {

  static final String REMAINING = "x-budget-remaining-micros";
  static final String SCOPE = "x-budget-scope";
  static final String WINDOW = "x-budget-window";

  private BudgetHeaders() {}

  /** Sets the headers of {@code tightest} on {@code response}; nothing if it is empty. */
  static void put(HttpServerResponse response, Optional<LayerStatus> tightest) {
    tightest.ifPresent(
        layer ->
            response
                .headers()
                .set(REMAINING, Long.toString(layer.remainingMicros()))
                .set(SCOPE, layer.scope().path())
                .set(WINDOW, layer.window().wireName()));
  }

  /**
   * Reads {@code scope}'s state as it is now, with the one read-only status script of {@link
   * Budgets#status} (a bounded read: the scope's layers, each window), and sets its headers on
   * {@code response}. Never fails: if the store does not answer, the answer goes without them
   * rather than a refusal being turned into a store error.
   */
  static Future<Void> current(Budgets budgets, Scope scope, HttpServerResponse response) {
    return budgets
        .status(scope)
        .<Void>map(
            layers -> {
              put(response, tightest(layers));
              return null;
            })
        .otherwise((Void) null);
  }

  /**
   * Fails {@code ctx} with {@code error} once {@code scope}'s state as it is now is on its answer
   * ({@link #current}): the one way a gateway route fails a known caller's request, so that no
   * refusal, whatever refused it, goes without the caller's budget.
   */
  static void fail(RoutingContext ctx, Budgets budgets, Scope scope, Throwable error) {
    current(budgets, scope, ctx.response()).onComplete(withState -> ctx.fail(error));
  }

  private static Optional<LayerStatus> tightest(List<UsageStatus> layers) {
    return ReserveOutcome.tightestOf(
        layers.stream().map(UsageStatus::capped).flatMap(Optional::stream).toList());
  }
}
