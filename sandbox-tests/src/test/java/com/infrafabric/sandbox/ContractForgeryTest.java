package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.chassis.ChassisException;
import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.Publisher;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.platform.testing.Await;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Contracts that are unsigned, forged, tampered with, or bound to another module. */
@Timeout(60)
class ContractForgeryTest {

  private static final byte[] MODULE = Guests.wat(Guests.ECHO);

  @RegisterExtension static final SandboxHost HOST = SandboxHost.create();

  @Test
  void anUnsignedContractIsRefused() {
    assertRefused(
        Contracts.forModule("forged", MODULE).json(),
        ErrorCode.INVALID_CONTRACT,
        "contract is not signed: expected a compact JWS");
  }

  @Test
  void aContractWithAlgNoneIsRefused() {
    String header = base64("{\"alg\":\"none\",\"kid\":\"test-publisher\"}");
    assertRefused(
        header + "." + base64(Contracts.forModule("forged", MODULE).json()) + ".",
        ErrorCode.INVALID_CONTRACT,
        "contract is not signed: expected a compact JWS, but its header cannot be read (Invalid JWS header: Not a JWS header)");
  }

  @Test
  void aContractSignedByAnUnknownPublisherIsRefused() {
    assertRefused(
        Contracts.forModule("forged", MODULE).signedBy(Publisher.generate("mallory")),
        ErrorCode.UNTRUSTED_PUBLISHER,
        "contract is signed by unknown key mallory");
  }

  @Test
  void anHmacContractKeyedWithThePublicKeyIsRefused() throws JOSEException {
    // Algorithm confusion: HS256 "signed" with the trusted public key's bytes as the secret.
    JWSObject confused =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("test-publisher").build(),
            new Payload(Contracts.forModule("forged", MODULE).json()));
    confused.sign(
        new MACSigner(TestChassis.PUBLISHER.key().toPublicJWK().toJSONString().getBytes()));
    assertRefused(
        confused.serialize(),
        ErrorCode.INVALID_CONTRACT,
        "contract is signed with HS256; only ES256 is accepted");
  }

  @Test
  void aContractWhoseLimitsWereRaisedAfterSigningIsRefused() {
    String[] parts =
        Contracts.forModule("forged", MODULE).signedBy(TestChassis.PUBLISHER).split("\\.");
    String raised =
        base64(Contracts.forModule("forged", MODULE).limit("timeoutMs", null, 30_000).json());
    assertRefused(
        parts[0] + "." + raised + "." + parts[2],
        ErrorCode.INVALID_CONTRACT,
        "contract signature does not verify with key test-publisher");
  }

  @Test
  void aValidContractForAnotherModuleIsRefused() {
    byte[] other = Guests.wat("(module (func (export \"run\") (result i32) i32.const 0))");
    String signedForOther = Contracts.forModule("forged", other).signedBy(TestChassis.PUBLISHER);
    assertThatThrownBy(() -> Await.result(HOST.chassis().register(MODULE, signedForOther)))
        .isInstanceOfSatisfying(
            ChassisException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONTRACT))
        .hasMessageStartingWith("moduleDigest sha256:")
        .hasMessageContaining("does not match the module's sha256:");
  }

  @Test
  void aRegisteredVersionCannotBeReplacedWithAnotherModule() {
    Await.result(
        HOST.chassis()
            .register(
                MODULE, Contracts.forModule("pinned", MODULE).signedBy(TestChassis.PUBLISHER)));
    byte[] other = Guests.wat("(module (func (export \"run\") (result i32) i32.const 7))");
    assertRefused(
        other,
        Contracts.forModule("pinned", other).signedBy(TestChassis.PUBLISHER),
        ErrorCode.TOOL_VERSION_CONFLICT,
        "tool pinned@1.0.0 is already registered with a different module or contract");
    assertThat(HOST.invoke(ToolRef.parse("pinned@1.0.0"), "{}").output()).isEqualTo("{}");
  }

  private static void assertRefused(String jws, ErrorCode code, String message) {
    assertRefused(MODULE, jws, code, message);
  }

  private static void assertRefused(byte[] module, String jws, ErrorCode code, String message) {
    assertThatThrownBy(() -> Await.result(HOST.chassis().register(module, jws)))
        .isInstanceOfSatisfying(ChassisException.class, e -> assertThat(e.code()).isEqualTo(code))
        .hasMessage(message);
  }

  private static String base64(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes());
  }
}
