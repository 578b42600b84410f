package com.infrafabric.llm.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.llm.testing.KeyRings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MasterKeysTest {

  private static final byte[] SECRET = "sk-canary-1234567890".getBytes(StandardCharsets.UTF_8);

  @Test
  void theFirstKeySealsAndEveryKeyOpens() {
    String oldSet = MasterKeys.generateJwks("2025");
    MasterKeys old = MasterKeys.parse(oldSet);
    String sealedUnderOld = old.seal(SECRET, "search-key");
    MasterKeys rotated = MasterKeys.parse(KeyRings.rotate(MasterKeys.generateJwks("2026"), oldSet));

    assertThat(rotated.currentKeyId()).isEqualTo("2026");
    assertThat(rotated.keyIds()).containsExactly("2026", "2025");
    assertThat(rotated.open(sealedUnderOld, "search-key")).hasValue(SECRET);
    String sealedUnderNew = rotated.seal(SECRET, "search-key");
    assertThat(MasterKeys.sealedKeyId(sealedUnderNew)).hasValue("2026");
    assertThat(old.open(sealedUnderNew, "search-key")).isEmpty();
  }

  @Test
  void aSealedValueOpensOnlyForItsOwnNameAndNeverShowsThePlaintext() {
    MasterKeys keys = MasterKeys.parse(MasterKeys.generateJwks("k1"));
    String sealed = keys.seal(SECRET, "search-key");
    assertThat(sealed).doesNotContain("sk-canary");
    assertThat(keys.open(sealed, "billing-key")).isEmpty();
    String[] parts = sealed.split("\\.");
    parts[3] =
        parts[3].charAt(0) == 'A' ? 'B' + parts[3].substring(1) : 'A' + parts[3].substring(1);
    assertThat(keys.open(String.join(".", parts), "search-key")).isEmpty();
    assertThat(keys.open("not a jwe", "search-key")).isEmpty();
    assertThat(keys.toString()).isEqualTo("MasterKeys[current=k1, keys=[k1]]");
  }

  @Test
  void unusableKeySetsAreRefusedWithoutRepeatingKeyMaterial() {
    assertThatThrownBy(() -> MasterKeys.parse("{\"keys\":[]}"))
        .hasMessage("the master key set holds no key");
    assertThatThrownBy(() -> MasterKeys.parse("nonsense"))
        .hasMessage("the master key set is not a JWK set");
    JsonObject key =
        new JsonObject(MasterKeys.generateJwks("k1")).getJsonArray("keys").getJsonObject(0);
    assertThatThrownBy(() -> MasterKeys.parse(set(key.copy().put("k", "c2hvcnQ"))))
        .hasMessage("master key k1 is not a 256-bit oct key");
    assertThatThrownBy(() -> MasterKeys.parse(set(key.copy().put("kid", ""))))
        .hasMessage("the master key set holds a key without a kid");
    assertThatThrownBy(() -> MasterKeys.parse(set(key, key)))
        .hasMessage("master key id k1 appears twice");
    assertThatThrownBy(() -> MasterKeys.fromEnvironment("IF_TEST_NO_SUCH_VARIABLE"))
        .hasMessage("environment variable IF_TEST_NO_SUCH_VARIABLE is not set");
  }

  private static String set(JsonObject... keys) {
    return new JsonObject().put("keys", new JsonArray(java.util.List.of((Object[]) keys))).encode();
  }
}
