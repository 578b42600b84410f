package com.infrafabric.chassis.http;

import com.infrafabric.chassis.ToolRef;
import com.infrafabric.platform.http.Fields;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One page of {@code GET /v1/tools?name=N&cursor=C&limit=L}: the tool versions after the cursor (a
 * previous page's {@code next_cursor}, {@code name@version}) in {@link ToolRef#ORDER}, only those
 * of tool {@code name} if given, at most {@code limit} (1..{@value #MAX_LIMIT}, default {@value
 * #DEFAULT_LIMIT}).
 *
 * @param name the one tool name to list, if any
 * @param after the last version of the previous page, if any
 * @param limit the most versions on the page
 */
record ToolListing(Optional<String> name, Optional<ToolRef> after, int limit) {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  /** The listing the query asks for; 400 naming the parameter if one is malformed. */
  static ToolListing of(MultiMap query) {
    String limit = query.get("limit");
    return new ToolListing(
        Optional.ofNullable(query.get("name")),
        Optional.ofNullable(query.get("cursor")).map(ToolListing::cursor),
        limit == null ? DEFAULT_LIMIT : (int) Fields.decimal("limit", limit, 1, MAX_LIMIT));
  }

  private static ToolRef cursor(String value) {
    try {
      return ToolRef.parse(value);
    } catch (IllegalArgumentException e) {
      throw Fields.malformed("cursor", "is not a next_cursor (name@version) of this listing");
    }
  }

  /**
   * The page of {@code sorted} (in {@link ToolRef#ORDER}) the caller may see: up to {@code limit}
   * versions, and one more if there are more, which the caller drops and pages on from.
   */
  List<ToolRef> select(List<ToolRef> sorted, Predicate<ToolRef> visible) {
    return sorted.stream()
        .filter(ref -> after.map(last -> ToolRef.ORDER.compare(ref, last) > 0).orElse(true))
        .filter(ref -> name.map(ref.name()::equals).orElse(true))
        .filter(visible)
        .limit(limit + 1L)
        .toList();
  }

  /** The cursor of the page after {@code selected}, if {@link #select} found more than a page. */
  Optional<String> nextCursor(List<ToolRef> selected) {
    return selected.size() > limit
        ? Optional.of(selected.get(limit - 1).toString())
        : Optional.empty();
  }

  /** The versions of {@code selected} that belong on this page. */
  List<ToolRef> page(List<ToolRef> selected) {
    return selected.subList(0, Math.min(limit, selected.size()));
  }
}
