package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An operator who meant an external Redis never silently gets a private one. */
class RedisChoiceTest {

  @TempDir Path data;

  @Test
  void withoutAUrlAndWithEmbeddingOffNothingStartsAndTheRefusalSaysWhatToSet() {
    assertThatThrownBy(() -> RedisChoice.choose(Map.of(), Optional.empty(), false, data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("REDIS_URL")
        .hasMessageContaining("redis.url");

    assertThat(Files.exists(data.resolve("redis"))).isFalse();
  }

  @Test
  void aNamedRedisIsUsedWhateverTheSwitchSays() {
    try (RedisChoice choice =
        RedisChoice.choose(
            Map.of("REDIS_URL", "redis://10.0.0.7:6380/0"), Optional.empty(), false, data)) {
      assertThat(choice.describe()).startsWith("external Redis").contains("10.0.0.7:6380");
    }
    assertThat(Files.exists(data.resolve("redis"))).isFalse();
  }
}
