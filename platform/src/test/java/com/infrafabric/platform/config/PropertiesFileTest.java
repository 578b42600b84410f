package com.infrafabric.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PropertiesFileTest {

  @TempDir Path dir;

  @Test
  void readsKeysAndValuesAsUtf8WithTheSyntaxOfProperties() throws IOException {
    Path file =
        write(
            "# a comment\n"
                + "http.port = 8080\n"
                + "tenant.name:caf\u00e9\n"
                + "long.value=one \\\n"
                + "  two\n"
                + "escaped=\\u0041\n");

    assertThat(PropertiesFile.read(file))
        .isEqualTo(
            Map.of(
                "http.port", "8080",
                "tenant.name", "caf\u00e9",
                "long.value", "one two",
                "escaped", "A"));
  }

  /**
   * Regression: a key set twice was read as its last line without a word, so an operator who
   * appended a setting below a forgotten one ran with whichever came last. Every spelling of one
   * key (separators, spaces, escapes, a continued line) is the same key, refused by name.
   */
  @Test
  void aFileSettingOneKeyTwiceIsRefusedNamingTheKey() throws IOException {
    for (String twice :
        new String[] {
          "redis.persistence=aof\nredis.persistence=none\n",
          "redis.persistence=aof\n  redis.persistence : aof\n",
          "redis.persistence=aof\nredis.persisten\\\n  ce=none\n",
          "redis.persistence aof\nredis\\u002Epersistence=none\n"
        }) {
      Path file = write(twice);

      assertThatThrownBy(() -> PropertiesFile.read(file))
          .as(twice)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "config file "
                  + file
                  + " sets redis.persistence more than once: keep the line you"
                  + " mean");
    }
  }

  @Test
  void aFileLargerThanItsBoundIsRefusedBeforeItIsParsed() throws IOException {
    Path file = dir.resolve("big.properties");
    Files.write(file, new byte[PropertiesFile.MAX_FILE_BYTES + 1]);

    assertThatThrownBy(() -> PropertiesFile.read(file))
        .hasMessage("config file " + file + " holds more than 1048576 bytes");
  }

  private Path write(String text) throws IOException {
    return Files.writeString(
        Files.createTempFile(dir, "settings", ".properties"), text, StandardCharsets.UTF_8);
  }
}
