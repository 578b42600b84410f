package com.infrafabric.governor.budget;

import java.util.List;
import java.util.Optional;

/**
 * One page of a subtree's budgets, in scope order.
 *
 * @param budgets at most the page's limit
 * @param nextCursor the last scope of this page when more may follow (pass it as the next page's
 *     cursor), empty on the last page
 */
public record BudgetPage(List<Budget> budgets, Optional<String> nextCursor) {

  public BudgetPage {
    budgets = List.copyOf(budgets);
  }
}
