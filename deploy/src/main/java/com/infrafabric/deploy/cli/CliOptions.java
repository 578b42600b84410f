package com.infrafabric.deploy.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code --name value} options of one command-line command ({@link TokenCli}, the contract
 * signer), checked against the set the command accepts.
 */
public final class CliOptions {

  private final Map<String, List<String>> values;

  private CliOptions(Map<String, List<String>> values) {
    this.values = values;
  }

  /**
   * Parses {@code args} from index {@code from}.
   *
   * @throws IllegalArgumentException on an unknown option or an option without a value
   */
  public static CliOptions parse(String[] args, int from, Set<String> allowed) {
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

  /**
   * The one value of an option the command needs.
   *
   * @throws IllegalArgumentException "missing --name" when it is absent, or if given twice
   */
  public String required(String name) {
    return optional(name).orElseThrow(() -> new IllegalArgumentException("missing " + name));
  }

  /**
   * The value of an option given at most once.
   *
   * @throws IllegalArgumentException if it is given more than once
   */
  public Optional<String> optional(String name) {
    List<String> given = all(name);
    if (given.size() > 1) {
      throw new IllegalArgumentException("option " + name + " is given more than once");
    }
    return given.stream().findFirst();
  }

  /** Every value of a repeatable option, in order. */
  public List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }
}
