package com.infrafabric.benchmarks.load;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Redis's own account of the commands it ran ({@code INFO commandstats}): calls and server time per
 * command, scripts' inner commands included. Time spent reading, parsing and answering on the
 * network is not in it, so it is what a script costs the single Redis thread.
 *
 * @param commands per lower-case command name, in the order Redis lists them
 */
record CommandStats(Map<String, Command> commands) {

  /**
   * One command's line.
   *
   * @param calls how many times it ran
   * @param micros server time it took in all, microseconds
   */
  record Command(long calls, long micros) {
    double microsPerCall() {
      return calls == 0 ? 0 : (double) micros / calls;
    }
  }

  /** Parses the text of {@code INFO commandstats}. */
  static CommandStats parse(String info) {
    Map<String, Command> commands = new LinkedHashMap<>();
    info.lines()
        .filter(line -> line.startsWith("cmdstat_"))
        .forEach(
            line -> {
              String name = line.substring("cmdstat_".length(), line.indexOf(':'));
              Map<String, String> fields = fields(line.substring(line.indexOf(':') + 1));
              commands.put(
                  name,
                  new Command(
                      Long.parseLong(fields.get("calls")), Long.parseLong(fields.get("usec"))));
            });
    return new CommandStats(Collections.unmodifiableMap(commands));
  }

  /** The command's line, or zero calls if it never ran. */
  Command command(String name) {
    return commands.getOrDefault(name, new Command(0, 0));
  }

  /** Every command's server time, scripts and their inner commands alike, microseconds. */
  long totalMicros() {
    return commands.values().stream().mapToLong(Command::micros).sum();
  }

  private static Map<String, String> fields(String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String pair : text.split(",")) {
      int equals = pair.indexOf('=');
      fields.put(pair.substring(0, equals), pair.substring(equals + 1));
    }
    return fields;
  }
}
