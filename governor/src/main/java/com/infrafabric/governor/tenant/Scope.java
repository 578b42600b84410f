package com.infrafabric.governor.tenant;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.platform.scope.ScopeGrammar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A budget scope: a path such as {@code acme/search/agent-7/task-42} (tenant, project, agent,
 * task...), 1 to 5 segments. The first segment is the tenant, whose data shares one Redis hash tag.
 *
 * <p>Segments are 1–64 characters of {@code [A-Za-z0-9_-]} starting with a letter or digit, so a
 * scope is safe inside Redis key names, URLs and log lines without escaping. The grammar is the
 * platform's {@link ScopeGrammar}, which the chassis and token verification use too.
 *
 * @param segments the path segments, root first
 */
public record Scope(List<String> segments) {

  public static final int MAX_DEPTH = ScopeGrammar.MAX_DEPTH;

  public Scope {
    segments = List.copyOf(segments);
    if (segments.isEmpty() || segments.size() > MAX_DEPTH) {
      throw invalid(String.join("/", segments), "must have 1 to " + MAX_DEPTH + " segments");
    }
    for (String segment : segments) {
      if (!ScopeGrammar.isSegment(segment)) {
        throw invalid(
            String.join("/", segments),
            "segment '" + printable(segment) + "' must be " + ScopeGrammar.SEGMENT_RULE);
      }
    }
  }

  /** Parses {@code a/b/c}. */
  public static Scope parse(String path) {
    if (path == null || path.isEmpty()) {
      throw new GovernorException(ErrorCode.INVALID_SCOPE, "scope is required");
    }
    if (path.length() > MAX_DEPTH * 65) {
      throw invalid(path.substring(0, 40) + "...", "is too long");
    }
    return new Scope(List.of(path.split("/", -1)));
  }

  /**
   * Returns {@code value} if it could be a scope segment (so it is also safe in Redis key names,
   * URLs and logs): agent and task ids use the same rule.
   *
   * @throws GovernorException with {@code code}, naming {@code field}, otherwise
   */
  public static String segment(ErrorCode code, String field, String value) {
    if (!ScopeGrammar.isSegment(value)) {
      throw new GovernorException(
          code,
          field
              + " '"
              + printable(String.valueOf(value))
              + "' must be "
              + ScopeGrammar.SEGMENT_RULE,
          Map.of("field", field));
    }
    return value;
  }

  public String tenant() {
    return segments.get(0);
  }

  public int depth() {
    return segments.size();
  }

  /** This scope and every ancestor, root first. */
  /**
   * The script argument naming the subtree a caller may touch ({@code within()} in budget_lib.lua):
   * its path, or empty for a caller allowed to touch any scope ({@code within} null).
   */
  public static String subtreeArg(Scope within) {
    return within == null ? "" : within.path();
  }

  public List<Scope> layers() {
    List<Scope> layers = new ArrayList<>(segments.size());
    for (int i = 1; i <= segments.size(); i++) {
      layers.add(new Scope(segments.subList(0, i)));
    }
    return layers;
  }

  /** True if this scope is {@code other} or lies below it: the subtree an agent token may use. */
  public boolean isWithin(Scope other) {
    return segments.size() >= other.segments.size()
        && segments.subList(0, other.segments.size()).equals(other.segments);
  }

  public String path() {
    return String.join("/", segments);
  }

  @Override
  public String toString() {
    return path();
  }

  private static GovernorException invalid(String path, String why) {
    return new GovernorException(
        ErrorCode.INVALID_SCOPE,
        "scope '" + printable(path) + "' " + why,
        Map.of("field", "scope"));
  }

  /** Keeps an invalid value readable in an error without echoing control characters. */
  private static String printable(String value) {
    String cut = value.length() > 80 ? value.substring(0, 80) + "..." : value;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
