package com.infrafabric.governor.registry;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.Fields;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Capabilities and their levels: what an agent's contract grants, or what a task requires (an agent
 * satisfies a required capability when it holds it at that level or higher).
 *
 * <p>Names are 1-64 characters of {@code [a-z0-9._-]} starting with a letter or digit, so they are
 * safe inside Redis key names; levels are 1..{@value #MAX_LEVEL} (1 when not given).
 *
 * @param levels level by capability name, in name order
 */
public record CapabilitySet(SortedMap<String, Integer> levels) {

  public static final int MAX_LEVEL = 10;
  public static final int MAX_SIZE = 64;
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public CapabilitySet {
    validate(levels, FIELD);
    levels = Collections.unmodifiableSortedMap(new TreeMap<>(levels));
  }

  /** The name of a contract's capabilities, in its claims and in errors. */
  private static final String FIELD = "capabilities";

  private static void validate(SortedMap<String, Integer> levels, String field) {
    if (levels.isEmpty() || levels.size() > MAX_SIZE) {
      throw invalid(
          field, field + " must list 1 to " + MAX_SIZE + " entries, not " + levels.size());
    }
    levels.forEach((name, level) -> check(name, level, field));
  }

  public static CapabilitySet of(Map<String, Integer> levels) {
    return new CapabilitySet(new TreeMap<>(levels));
  }

  /** Reads a contract's entries written as {@code name} (level 1) or {@code name:level}. */
  public static CapabilitySet parse(List<String> entries) {
    return parse(entries, FIELD);
  }

  /**
   * Reads entries written as {@code name} (level 1) or {@code name:level}; a bad one is refused
   * naming {@code field}, the request's name for them (a task's {@code required}, say).
   */
  public static CapabilitySet parse(List<String> entries, String field) {
    SortedMap<String, Integer> levels = new TreeMap<>();
    for (String entry : entries) {
      int colon = entry.indexOf(':');
      String name = colon < 0 ? entry : entry.substring(0, colon);
      int level = colon < 0 ? 1 : level(entry, entry.substring(colon + 1), field);
      if (levels.put(name, level) != null) {
        throw invalid(field, "capability '" + name + "' is listed twice");
      }
    }
    validate(levels, field);
    return new CapabilitySet(levels);
  }

  public int size() {
    return levels.size();
  }

  /** {@code name:level} entries, as {@link #parse} reads them. */
  public List<String> entries() {
    return levels.entrySet().stream().map(e -> e.getKey() + ':' + e.getValue()).toList();
  }

  /** The entries joined by commas, as the scripts read them. */
  public String encoded() {
    return levels.entrySet().stream()
        .map(e -> e.getKey() + ':' + e.getValue())
        .collect(Collectors.joining(","));
  }

  private static void check(String name, Integer level, String field) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw invalid(
          field,
          "capability name '"
              + name
              + "' must be 1-64 characters of a-z 0-9 . _ - starting with a letter or digit");
    }
    if (level == null || level < 1 || level > MAX_LEVEL) {
      throw invalid(
          field, "capability " + name + " level " + level + " is outside 1.." + MAX_LEVEL);
    }
  }

  private static int level(String entry, String text, String field) {
    try {
      return (int) Fields.decimal("capability level", text, Integer.MIN_VALUE, Integer.MAX_VALUE);
    } catch (ApiException e) {
      throw invalid(field, "capability '" + entry + "' must be name or name:level");
    }
  }

  private static GovernorException invalid(String field, String message) {
    return new GovernorException(ErrorCode.INVALID_CAPABILITY, message, Map.of("field", field));
  }
}
