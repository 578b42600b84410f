package com.infrafabric.platform.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Reads a {@code .properties} file the way every file an operator writes for us is read: UTF-8,
 * bounded, and refused when it sets one key twice. {@link Properties} keeps the last of two lines
 * for one key without a word, so an operator who appended {@code redis.persistence=none} below a
 * forgotten {@code redis.persistence=aof} got the one they did not read last; a file naming a key
 * twice is refused in one line that names the key.
 */
public final class PropertiesFile {

  /**
   * The largest file read: every key of both services fits many times over, and a file named by
   * mistake ({@code /dev/zero}) is refused in one line instead of filling the heap.
   */
  static final int MAX_FILE_BYTES = 1 << 20;

  private PropertiesFile() {}

  /**
   * The keys and values of {@code file}.
   *
   * @throws IllegalArgumentException if it cannot be read, is larger than {@link #MAX_FILE_BYTES}
   *     or sets a key more than once: a configuration error like a bad value, so a launcher reports
   *     each alike
   */
  public static Map<String, String> read(Path file) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + file + " (" + e + ")", e);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new IllegalArgumentException(
          "config file " + file + " holds more than " + MAX_FILE_BYTES + " bytes");
    }
    Map<String, String> values = new HashMap<>();
    Properties parser = new KeysOnce(file, values);
    try {
      parser.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + file + " (" + e + ")", e);
    }
    return Map.copyOf(values);
  }

  /** The parser's sink: {@link Properties#load} hands it each line's key and value in order. */
  private static final class KeysOnce extends Properties {

    private final transient Path file;
    private final transient Map<String, String> values;

    KeysOnce(Path file, Map<String, String> values) {
      this.file = file;
      this.values = values;
    }

    @Override
    public synchronized Object put(Object key, Object value) {
      if (values.putIfAbsent((String) key, (String) value) != null) {
        throw new IllegalArgumentException(
            "config file " + file + " sets " + key + " more than once: keep the line you mean");
      }
      return null;
    }
  }
}
