package com.infrafabric.chassis.mcp;

import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.VersionPrecedence;
import com.infrafabric.chassis.http.AgentTokens;
import com.infrafabric.platform.auth.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BinaryOperator;
import java.util.stream.Collectors;

/**
 * Which version of a tool an MCP name means. MCP tool names are bare ({@code word-count}; the
 * characters of a version are not all allowed in them), so each name stands for the highest version
 * of that tool the caller's token grants, by SemVer precedence ({@link VersionPrecedence}: {@code
 * 1.0.1} outranks {@code 1.0.1-rc}). A call may also name an exact version, {@code
 * word-count@1.0.0}.
 */
final class ToolVersions {

  private ToolVersions() {}

  /** For every tool name the caller may call, its highest granted version, sorted by name. */
  static List<ToolRef> visible(Principal caller, List<ToolRef> refs) {
    BinaryOperator<ToolRef> newer =
        (a, b) -> VersionPrecedence.LABELS.compare(a.version(), b.version()) >= 0 ? a : b;
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
}
