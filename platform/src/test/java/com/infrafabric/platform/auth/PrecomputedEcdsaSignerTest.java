package com.infrafabric.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.platform.testing.Concurrently;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrecomputedEcdsaSignerTest {

  /** RFC 6979 A.2.5: the P-256 key, and its SHA-256 signature of "sample". */
  private static final ECKey RFC6979_P256 =
      new ECKey.Builder(
              Curve.P_256,
              base64Url("60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"),
              base64Url("7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299"))
          .d(base64Url("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721"))
          .keyID("rfc6979")
          .build();

  @Test
  void theNonceIsRfc6979sSoTheSignatureIsTheRfcsOwn() throws JOSEException {
    PrecomputedEcdsaSigner signer = PrecomputedEcdsaSigner.of(RFC6979_P256, JWSAlgorithm.ES256);

    Base64URL signature =
        signer.sign(
            new JWSHeader(JWSAlgorithm.ES256), "sample".getBytes(StandardCharsets.US_ASCII));

    assertThat(HexFormat.of().withUpperCase().formatHex(signature.decode()))
        .isEqualTo(
            "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716"
                + "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8");
  }

  /**
   * The RFC key's signatures of "payload 42" and "payload 138" have an {@code r}, then an {@code
   * s}, a byte shorter than the order (the nonce is deterministic, so they always do): the JWS form
   * pads both to 32 bytes, and the JDK's P1363 verifier rejects any other length.
   */
  @ParameterizedTest
  @ValueSource(ints = {42, 138})
  void aShortROrSIsPaddedToTheOrdersLength(int payload) throws Exception {
    PrecomputedEcdsaSigner signer = PrecomputedEcdsaSigner.of(RFC6979_P256, JWSAlgorithm.ES256);
    byte[] input = ("payload " + payload).getBytes(StandardCharsets.US_ASCII);

    byte[] signature = signer.sign(new JWSHeader(JWSAlgorithm.ES256), input).decode();

    assertThat(signature).hasSize(64);
    assertThat(signature[payload == 42 ? 0 : 32]).isZero();
    assertThat(jdkVerifies(RFC6979_P256, "ES256", input, signature)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ES256", "ES384", "ES512"})
  void everySignatureVerifiesWithTheJdk(String algorithm) throws Exception {
    SigningKeyPair pair = SigningKeyPair.generate(algorithm);
    ECKey key = (ECKey) JWKSet.parse(pair.privateJwks()).getKeys().get(0);
    JWSAlgorithm jwsAlgorithm = JWSAlgorithm.parse(algorithm);
    PrecomputedEcdsaSigner signer = PrecomputedEcdsaSigner.of(key, jwsAlgorithm);
    for (int i = 0; i < 20; i++) {
      byte[] input = ("payload " + i).getBytes(StandardCharsets.US_ASCII);
      byte[] signature = signer.sign(new JWSHeader(jwsAlgorithm), input).decode();
      assertThat(jdkVerifies(key, algorithm, input, signature)).as("signature %d", i).isTrue();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void oneSignerSignsFromEightThreadsAndEveryTokenVerifies() throws Exception {
    SigningKeyPair pair = SigningKeyPair.generate("ES256");
    SigningKey key = SigningKey.fromPrivateJwks(pair.privateJwks());
    ECDSAVerifier verifier =
        new ECDSAVerifier((ECKey) JWKSet.parse(pair.publicJwks()).getKeyByKeyId(pair.keyId()));

    List<List<String>> tokens =
        Concurrently.run(
            8,
            Duration.ofSeconds(50),
            thread ->
                () -> {
                  List<String> signed = new ArrayList<>();
                  for (int i = 0; i < 25; i++) {
                    signed.add(key.sign("{\"thread\":" + thread + ",\"i\":" + i + "}"));
                  }
                  return signed;
                });

    for (List<String> ofOneThread : tokens) {
      for (String token : ofOneThread) {
        assertThat(JWSObject.parse(token).verify(verifier)).as(token).isTrue();
      }
    }
  }

  @Test
  void aHeaderOfAnotherAlgorithmIsRefused() {
    PrecomputedEcdsaSigner signer = PrecomputedEcdsaSigner.of(RFC6979_P256, JWSAlgorithm.ES256);
    assertThatThrownBy(() -> signer.sign(new JWSHeader(JWSAlgorithm.ES384), new byte[1]))
        .isInstanceOf(JOSEException.class)
        .hasMessage("this key signs ES256, not ES384");
  }

  @Test
  void aPublicKeyOrAnAlgorithmOfAnotherCurveCannotSign() {
    assertThatThrownBy(
            () -> PrecomputedEcdsaSigner.of(RFC6979_P256.toPublicJWK(), JWSAlgorithm.ES256))
        .hasMessage("key rfc6979 has no private part");
    assertThatThrownBy(() -> PrecomputedEcdsaSigner.of(RFC6979_P256, JWSAlgorithm.RS256))
        .hasMessage("key rfc6979 on P-256 cannot sign RS256");
  }

  private static boolean jdkVerifies(ECKey key, String algorithm, byte[] input, byte[] signature)
      throws Exception {
    Signature jdk =
        Signature.getInstance("SHA" + algorithm.substring(2) + "withECDSAinP1363Format");
    jdk.initVerify(key.toECPublicKey());
    jdk.update(input);
    return jdk.verify(signature);
  }

  private static Base64URL base64Url(String hex) {
    return Base64URL.encode(HexFormat.of().parseHex(hex));
  }
}
