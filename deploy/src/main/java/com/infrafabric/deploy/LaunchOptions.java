package com.infrafabric.deploy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The command-line options every long-running command shares.
 *
 * @param config the properties file, if one was given
 * @param dataDirectory where the embedded Redis, generated keys and tokens live
 */
record LaunchOptions(Optional<Path> config, Path dataDirectory) {

  /** Parses {@code --config FILE} and {@code --data DIR}; {@code IF_DATA_DIR} sets the default. */
  static LaunchOptions parse(String[] args, Map<String, String> env) {
    Optional<Path> config = Optional.empty();
    Path data = Path.of(env.getOrDefault("IF_DATA_DIR", "var"));
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      String value = args[++i];
      switch (option) {
        case "--config" -> config = Optional.of(Path.of(value));
        case "--data" -> data = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
    }
    return new LaunchOptions(config, data.toAbsolutePath());
  }
}
