package com.infrafabric.governor.budget;

import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Window;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The first {@code limit + 1} budget scopes of a subtree after a cursor, gathered from cap fields
 * ({@code <scope>|<window>}) as {@code HSCAN} returns them, in any order and possibly twice. Not
 * thread-safe: one scan at a time.
 */
final class BudgetScan {

  private final Scope within;
  private final String after;
  private final int limit;
  private final TreeMap<String, Map<Window, Limit>> first = new TreeMap<>();

  BudgetScan(Scope within, String after, int limit) {
    this.within = within;
    this.after = after;
    this.limit = limit;
  }

  /** Takes one cap field if its scope is in the subtree, after the cursor and among the first. */
  void offer(String field, String value) {
    int bar = field.lastIndexOf('|');
    String path = field.substring(0, bar);
    if (!inSubtree(path) || (after != null && path.compareTo(after) <= 0)) {
      return;
    }
    if (first.size() > limit && path.compareTo(first.lastKey()) > 0) {
      return;
    }
    Window window = Window.fromWireName(field.substring(bar + 1));
    first
        .computeIfAbsent(path, p -> new EnumMap<>(Window.class))
        .put(window, Budgets.decode(value));
    if (first.size() > limit + 1) {
      first.pollLastEntry();
    }
  }

  BudgetPage page() {
    List<Budget> budgets =
        first.entrySet().stream()
            .limit(limit)
            .map(e -> new Budget(Scope.parse(e.getKey()), e.getValue()))
            .toList();
    Optional<String> next =
        first.size() > limit
            ? Optional.of(budgets.get(budgets.size() - 1).scope().path())
            : Optional.empty();
    return new BudgetPage(budgets, next);
  }

  private boolean inSubtree(String path) {
    String root = within.path();
    return path.equals(root) || path.startsWith(root + "/");
  }
}
