package com.infrafabric.chassis.internal.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.InvalidContractException;
import com.infrafabric.chassis.TrustedPublishers;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Publisher;
import com.infrafabric.hostapi.contract.KvCapability;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ContractVerifierTest {

  private static final byte[] MODULE = {0, 97, 115, 109, 1, 0, 0, 0};
  private static final Publisher TRUSTED = Publisher.generate("publisher-1");
  private static final Publisher STRANGER = Publisher.generate("stranger");
  private static final ContractVerifier VERIFIER = verifier();

  @Test
  void acceptsAContractSignedByATrustedKeyForThisModule() {
    VerifiedContract verified =
        VERIFIER.verify(
            Contracts.forModule("echo", MODULE).grantKv(100, 10).signedBy(TRUSTED),
            ModuleDigest.of(MODULE));
    assertThat(verified.keyId()).isEqualTo("publisher-1");
    assertThat(verified.contract().capability(KvCapability.class))
        .contains(new KvCapability(100, 10));
  }

  @Test
  void rejectsAnUnsignedContract() {
    assertRejected(
        Contracts.forModule("echo", MODULE).json(),
        ErrorCode.INVALID_CONTRACT,
        "contract is not signed: expected a compact JWS");
  }

  @Test
  void rejectsAlgNone() {
    String header = base64("{\"alg\":\"none\",\"kid\":\"publisher-1\"}");
    String payload = base64(Contracts.forModule("echo", MODULE).json());
    assertRejected(
        header + "." + payload + ".",
        ErrorCode.INVALID_CONTRACT,
        "contract is not signed: expected a compact JWS, but its header cannot be read (Invalid JWS header: Not a JWS header)");
  }

  @Test
  void rejectsAnUnknownKey() {
    assertRejected(
        Contracts.forModule("echo", MODULE).signedBy(STRANGER),
        ErrorCode.UNTRUSTED_PUBLISHER,
        "contract is signed by unknown key stranger");
  }

  @Test
  void rejectsAForeignKeyClaimingATrustedKid() {
    String forged =
        STRANGER.sign(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("publisher-1").build(),
            Contracts.forModule("echo", MODULE).json());
    assertRejected(
        forged,
        ErrorCode.INVALID_CONTRACT,
        "contract signature does not verify with key publisher-1");
  }

  /**
   * A contract is read only as it was signed: its signature respelled (padding, the standard
   * alphabet with its padding, white space), which decodes to the same bytes and would verify, is
   * not a compact JWS.
   */
  @Test
  void rejectsARespelledSignature() {
    String signed = Contracts.forModule("echo", MODULE).signedBy(TRUSTED);
    String signature = signed.substring(signed.lastIndexOf('.') + 1);
    String head = signed.substring(0, signed.lastIndexOf('.') + 1);
    for (String respelled :
        new String[] {
          signed + "==",
          head + Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(signature)),
          head + signature.substring(0, 8) + " " + signature.substring(8)
        }) {
      assertRejected(
          respelled, ErrorCode.INVALID_CONTRACT, "contract is not signed: expected a compact JWS");
    }
  }

  @Test
  void rejectsATamperedPayload() {
    String signed = Contracts.forModule("echo", MODULE).signedBy(TRUSTED);
    String[] parts = signed.split("\\.");
    String raised =
        base64(Contracts.forModule("echo", MODULE).limit("memory", "maxPages", 999).json());
    assertRejected(
        parts[0] + "." + raised + "." + parts[2],
        ErrorCode.INVALID_CONTRACT,
        "contract signature does not verify with key publisher-1");
  }

  @Test
  void rejectsAHeaderCarryingItsOwnKey() {
    String signed =
        TRUSTED.sign(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID("publisher-1")
                .jwk(TRUSTED.key().toPublicJWK())
                .build(),
            Contracts.forModule("echo", MODULE).json());
    assertRejected(
        signed,
        ErrorCode.INVALID_CONTRACT,
        "contract header must not carry or point to a key (jwk, jku, x5u, x5c)");
  }

  @Test
  void regressionACriticalHeaderIsRefusedForWhatItIsNotAsABadSignature() {
    // A validly signed contract with crit ["foo"] was refused as "signature does not verify", and
    // one with crit [] was accepted, which RFC 7515 forbids.
    String json = Contracts.forModule("echo", MODULE).json();
    assertRejected(
        TRUSTED.sign(header("\"crit\":[\"foo\"],\"foo\":1"), json),
        ErrorCode.INVALID_CONTRACT,
        "contract is signed with unsupported critical header(s): foo");
    assertRejected(
        TRUSTED.sign(header("\"crit\":[]"), json),
        ErrorCode.INVALID_CONTRACT,
        "contract is signed with an empty crit header, which RFC 7515 forbids");
    assertThat(
            VERIFIER.verify(
                TRUSTED.sign(header("\"typ\":\"JOSE\""), json), ModuleDigest.of(MODULE)))
        .isNotNull();
  }

  /** A header written as given, {@code members} after the trusted publisher's alg and kid. */
  private static JWSHeader header(String members) {
    try {
      return JWSHeader.parse(
          Base64URL.encode("{\"alg\":\"ES256\",\"kid\":\"publisher-1\"," + members + "}"));
    } catch (java.text.ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void rejectsADigestOfAnotherModule() {
    byte[] other = {0, 97, 115, 109, 1, 0, 0, 1};
    assertThatThrownBy(
            () ->
                VERIFIER.verify(
                    Contracts.forModule("echo", other).signedBy(TRUSTED), ModuleDigest.of(MODULE)))
        .hasMessage(
            "moduleDigest "
                + ModuleDigest.of(other)
                + " does not match the module's "
                + ModuleDigest.of(MODULE));
  }

  @Test
  void rejectsUnknownFieldsAndMalformedCapabilities() {
    assertRejected(
        Contracts.forModule("echo", MODULE).put("admin", true).signedBy(TRUSTED),
        ErrorCode.INVALID_CONTRACT,
        "contract has unknown field admin");
    assertRejected(
        Contracts.forModule("echo", MODULE).grant("llm").signedBy(TRUSTED),
        ErrorCode.INVALID_CONTRACT,
        "contract field capabilities.llm.models is missing");
    assertRejected(
        Contracts.forModule("echo", MODULE).limit("memory", "maxPages", 0).signedBy(TRUSTED),
        ErrorCode.INVALID_CONTRACT,
        "memory.maxPages must be positive, not 0");
  }

  private static void assertRejected(String jws, ErrorCode code, String message) {
    assertThatThrownBy(() -> VERIFIER.verify(jws, ModuleDigest.of(MODULE)))
        .isInstanceOfSatisfying(
            InvalidContractException.class, e -> assertThat(e.code()).isEqualTo(code))
        .hasMessage(message);
  }

  private static String base64(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes());
  }

  private static ContractVerifier verifier() {
    return new ContractVerifier(TrustedPublishers.parse(Publisher.jwks(TRUSTED)));
  }
}
