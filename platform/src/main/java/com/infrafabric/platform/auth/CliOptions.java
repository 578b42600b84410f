package com.infrafabric.platform.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The {@code --name value} options of one {@link TokenCli} command, checked against a set. */
final class CliOptions {

  private final Map<String, List<String>> values;

  private CliOptions(Map<String, List<String>> values) {
    this.values = values;
  }

  /**
   * Parses {@code args} from index {@code from}.
   *
   * @throws IllegalArgumentException on an unknown option or an option without a value
   */
  static CliOptions parse(String[] args, int from, Set<String> allowed) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (int i = from; i < args.length; i += 2) {
      String name = args[i];
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException("unknown option " + name);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + name + " needs a value");
      }
      values.computeIfAbsent(name, n -> new ArrayList<>()).add(args[i + 1]);
    }
    return new CliOptions(values);
  }

  String required(String name) {
    return optional(name).orElseThrow(() -> new IllegalArgumentException("missing " + name));
  }

  Optional<String> optional(String name) {
    List<String> given = all(name);
    if (given.size() > 1) {
      throw new IllegalArgumentException("option " + name + " is given more than once");
    }
    return given.stream().findFirst();
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }
}
