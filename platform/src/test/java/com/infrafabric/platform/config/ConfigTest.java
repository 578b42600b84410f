package com.infrafabric.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

  @Test
  void aSwitchIsTrueOrFalseAndTheEnvironmentOverridesTheFile() {
    Config config =
        Config.of(Map.of("redis.embedded", "true"), Map.of("IF_REDIS_EMBEDDED", "false"));

    assertThat(config.bool("redis.embedded", true)).isFalse();
    assertThat(Config.of(Map.of(), Map.of()).bool("redis.embedded", true)).isTrue();
  }

  @Test
  void aMistypedSwitchIsRefusedRatherThanReadAsItsDefault() {
    for (String typo : new String[] {"flase", "no", "0", "FALSE", "off"}) {
      Config config = Config.of(Map.of("redis.embedded", typo), Map.of());

      assertThatThrownBy(() -> config.bool("redis.embedded", true))
          .as(typo)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("redis.embedded must be true or false");
    }
  }
}
