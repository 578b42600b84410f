package com.infrafabric.platform.config;

import java.nio.file.Path;
import java.util.Properties;

/**
 * {@link Properties} that refuse a key set twice while a file loads: plain {@code Properties} keeps
 * the last value without a word, so an operator who added a line at the end of a long file, or
 * edited the wrong one of two, ran with a value they did not see.
 */
final class SingleValueProperties extends Properties {

  private static final long serialVersionUID = 1L;

  private final String file;

  SingleValueProperties(Path file) {
    this.file = file.toString();
  }

  /**
   * @throws IllegalArgumentException "config file /etc/infrafabric.properties sets http.port more
   *     than once; keep one"
   */
  @Override
  public synchronized Object put(Object key, Object value) {
    if (containsKey(key)) {
      throw new IllegalArgumentException(
          "config file " + file + " sets " + key + " more than once; keep one");
    }
    return super.put(key, value);
  }
}
