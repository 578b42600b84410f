package com.infrafabric.governor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Pins the governor's package layers by reading the imports of its main sources: the tenant kernel
 * ({@code tenant}) depends on no other governor package but the module's error vocabulary (the root
 * package: {@link ErrorCode}, {@link GovernorException}); claim, policy, registry and ledger build
 * on the kernel, never on the budget engine; and no two packages depend on each other, by any path.
 *
 * <p>A plain scan rather than ArchUnit: imports are all these rules need, and the module gains no
 * dependency for it.
 */
class PackageDependenciesTest {

  private static final Path SOURCES = Path.of("src/main/java/com/infrafabric/governor");
  private static final Pattern REFERENCE =
      Pattern.compile("\\bcom\\.infrafabric\\.governor\\.([a-z]+)\\.[A-Z]");

  @Test
  void theTenantKernelDependsOnNoOtherGovernorPackage() throws IOException {
    assertThat(dependencies().get("tenant")).isEmpty();
  }

  @Test
  void claimPolicyRegistryAndLedgerDoNotDependOnTheBudgetEngine() throws IOException {
    Map<String, Set<String>> graph = dependencies();
    for (String user : List.of("claim", "policy", "registry", "ledger")) {
      assertThat(graph.get(user)).as(user).doesNotContain("budget");
    }
  }

  @Test
  void noPackagesDependOnEachOtherInACycle() throws IOException {
    Map<String, Set<String>> graph = dependencies();
    for (String from : graph.keySet()) {
      assertThat(reachable(graph, from)).as("packages %s reaches", from).doesNotContain(from);
    }
  }

  /** Each governor package (below the root) and the governor packages its sources name. */
  private static Map<String, Set<String>> dependencies() throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Path folder = SOURCES.relativize(file).getParent();
        if (folder == null) {
          continue;
        }
        String from = folder.toString();
        Set<String> used = graph.computeIfAbsent(from, k -> new TreeSet<>());
        Matcher reference = REFERENCE.matcher(Files.readString(file));
        while (reference.find()) {
          if (!reference.group(1).equals(from)) {
            used.add(reference.group(1));
          }
        }
      }
    }
    return graph;
  }

  private static Set<String> reachable(Map<String, Set<String>> graph, String from) {
    Set<String> seen = new TreeSet<>();
    List<String> next = new ArrayList<>(graph.getOrDefault(from, Set.of()));
    while (!next.isEmpty()) {
      String name = next.remove(next.size() - 1);
      if (seen.add(name)) {
        next.addAll(graph.getOrDefault(name, Set.of()));
      }
    }
    return seen;
  }
}
