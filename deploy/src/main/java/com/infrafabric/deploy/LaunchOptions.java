package com.infrafabric.deploy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The command-line options every long-running command shares.
 *
 * @param config the properties file, if one was given
 * @param dataDirectory where the embedded Redis, generated keys and tokens live (absolute)
 */
record LaunchOptions(Optional<Path> config, Path dataDirectory) {

  /** The environment variable naming the data directory when {@code --data} is not given. */
  static final String DATA_DIRECTORY_VARIABLE = "IF_DATA_DIR";

  /**
   * The options as given; without {@code --data} the directory is {@code IF_DATA_DIR}, else {@code
   * ./var}.
   */
  static LaunchOptions of(Path config, Path data, Map<String, String> env) {
    Path directory =
        data != null ? data : Path.of(env.getOrDefault(DATA_DIRECTORY_VARIABLE, "var"));
    return new LaunchOptions(Optional.ofNullable(config), directory.toAbsolutePath());
  }
}
