package com.infrafabric.chassis.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.chassis.TrustedPublishers;
import com.infrafabric.chassis.internal.contract.ContractVerifier;
import com.infrafabric.chassis.internal.contract.VerifiedContract;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.platform.auth.SigningKey;
import com.infrafabric.platform.auth.SigningKeyPair;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContractSignerTest {

  private static final SigningKeyPair PAIR = SigningKeyPair.generate("ES256");
  private static final SigningKey KEY = SigningKey.fromPrivateJwks(PAIR.privateJwks());
  private final byte[] module = Guests.wat(Guests.ECHO);

  private static VerifiedContract verify(String jws, byte[] module) throws Exception {
    return new ContractVerifier(TrustedPublishers.parse(PAIR.publicJwks()))
        .verify(jws, ModuleDigest.of(module));
  }

  private JsonObject contract() {
    return new JsonObject(Contracts.forModule("echo", module).json());
  }

  @Test
  void theSignedContractIsWhatTheChassisVerifiesForTheModule() throws Exception {
    VerifiedContract verified =
        verify(ContractSigner.sign(module, contract().encode(), KEY), module);
    assertThat(verified.contract().toolName()).isEqualTo("echo");
    assertThat(verified.keyId()).isEqualTo(PAIR.keyId());
  }

  @Test
  void aContractWithoutADigestGetsTheModules() throws Exception {
    JsonObject contract = contract();
    contract.remove("moduleDigest");
    VerifiedContract verified = verify(ContractSigner.sign(module, contract.encode(), KEY), module);
    assertThat(verified.contract().moduleDigest()).isEqualTo(ModuleDigest.of(module));
  }

  @Test
  void aDigestOfAnotherModuleIsRefused() {
    byte[] other = Guests.wat("(module (memory (export \"memory\") 1))");
    assertThatThrownBy(() -> ContractSigner.sign(other, contract().encode(), KEY))
        .hasMessage(
            "the contract's moduleDigest "
                + ModuleDigest.of(module)
                + " does not match the module's "
                + ModuleDigest.of(other));
  }

  @Test
  void aContractTheChassisWouldRefuseIsRefusedWithItsSentence() {
    JsonObject unknownField = contract().put("colour", "red");
    assertThatThrownBy(() -> ContractSigner.sign(module, unknownField.encode(), KEY))
        .hasMessageStartingWith("the contract is invalid: ")
        .hasMessageContaining("colour");
    assertThatThrownBy(() -> ContractSigner.sign(module, "[1]", KEY))
        .hasMessage("the contract is not a JSON object");
  }

  /**
   * Regression: an allow-list entry the chassis refuses at registration (an address in decimal
   * notation) was signed without a word, as the signer checked the contract's fields but not what
   * each entry names.
   */
  @Test
  void anAllowListEntryTheChassisWouldRefuseIsRefusedWithItsSentence() {
    for (String entry :
        List.of(
            "http://2130706433:18390",
            "http://127.1:80",
            "ftp://example.com:21",
            "http://*.com:80")) {
      String contract =
          Contracts.forModule("fetch", module).grantHttp(List.of(entry), 1, 1000, 1024).json();
      assertThatThrownBy(() -> ContractSigner.sign(module, contract, KEY))
          .as(entry)
          .hasMessageStartingWith("the contract is invalid: http.allow[0] ");
    }
  }

  @Test
  void onlyAnEs256KeyCanSign() {
    SigningKey es384 = SigningKey.fromPrivateJwks(SigningKeyPair.generate("ES384").privateJwks());
    assertThatThrownBy(() -> ContractSigner.sign(module, contract().encode(), es384))
        .hasMessage("contracts are signed with ES256; key " + es384.keyId() + " signs ES384");
  }
}
