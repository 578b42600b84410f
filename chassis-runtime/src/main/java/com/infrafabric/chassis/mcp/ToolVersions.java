package com.infrafabric.chassis.mcp;

import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.http.AgentTokens;
import com.infrafabric.platform.auth.Principal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BinaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which version of a tool an MCP name means. MCP tool names are bare ({@code word-count}; the
 * characters of a version are not all allowed in them), so each name stands for the highest version
 * of that tool the caller's token grants: versions compare segment by segment (split at {@code .},
 * {@code +} and {@code -}), numerically where both segments are numbers. A call may also name an
 * exact version, {@code word-count@1.0.0}.
 */
final class ToolVersions {

  private static final Pattern SEGMENTS = Pattern.compile("[.+-]");
  private static final Pattern NUMBER = Pattern.compile("[0-9]{1,18}");

  static final Comparator<String> ORDER = ToolVersions::compare;

  private ToolVersions() {}

  /** For every tool name the caller may call, its highest granted version, sorted by name. */
  static List<ToolRef> visible(Principal caller, List<ToolRef> refs) {
    BinaryOperator<ToolRef> newer = (a, b) -> ORDER.compare(a.version(), b.version()) >= 0 ? a : b;
    Map<String, ToolRef> newest =
        refs.stream()
            .filter(ref -> AgentTokens.grants(caller, ref))
            .collect(Collectors.toMap(ToolRef::name, ref -> ref, newer, TreeMap::new));
    return List.copyOf(newest.values());
  }

  /** The version an MCP tool name means for the caller, if it may call one. */
  static Optional<ToolRef> resolve(Principal caller, String name, List<ToolRef> refs) {
    if (name.indexOf('@') >= 0) {
      try {
        ToolRef exact = ToolRef.parse(name);
        return refs.contains(exact) && AgentTokens.grants(caller, exact)
            ? Optional.of(exact)
            : Optional.empty();
      } catch (IllegalArgumentException notARef) {
        return Optional.empty();
      }
    }
    return visible(caller, refs).stream().filter(ref -> ref.name().equals(name)).findFirst();
  }

  private static int compare(String a, String b) {
    String[] left = SEGMENTS.split(a);
    String[] right = SEGMENTS.split(b);
    for (int i = 0; i < Math.min(left.length, right.length); i++) {
      int order = compareSegment(left[i], right[i]);
      if (order != 0) {
        return order;
      }
    }
    int byLength = Integer.compare(left.length, right.length);
    return byLength != 0 ? byLength : a.compareTo(b);
  }

  private static int compareSegment(String a, String b) {
    if (NUMBER.matcher(a).matches() && NUMBER.matcher(b).matches()) {
      return Long.compare(Long.parseLong(a), Long.parseLong(b));
    }
    return a.compareTo(b);
  }
}
