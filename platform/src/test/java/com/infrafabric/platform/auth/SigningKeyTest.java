package com.infrafabric.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import org.junit.jupiter.api.Test;

class SigningKeyTest {

  @Test
  void signsAPayloadThatTheMatchingPublicKeyVerifies() throws Exception {
    SigningKeyPair pair = SigningKeyPair.generate("ES256");
    SigningKey key = SigningKey.fromPrivateJwks(pair.privateJwks());

    JWSObject jws = JWSObject.parse(key.sign("{\"name\":\"echo\"}"));

    assertThat(jws.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
    assertThat(jws.getHeader().getKeyID()).isEqualTo(pair.keyId());
    assertThat(jws.getPayload().toString()).isEqualTo("{\"name\":\"echo\"}");
    ECKey publicKey = (ECKey) JWKSet.parse(pair.publicJwks()).getKeyByKeyId(pair.keyId());
    assertThat(jws.verify(new ECDSAVerifier(publicKey))).isTrue();
  }

  @Test
  void theAlgorithmFollowsTheCurveAndTheKeyNeverReachesToString() {
    SigningKeyPair pair = SigningKeyPair.generate("ES384");
    SigningKey key = SigningKey.fromPrivateJwks(pair.privateJwks());
    assertThat(key.algorithm()).isEqualTo("ES384");
    assertThat(key.toString()).isEqualTo("SigningKey[kid=" + pair.keyId() + ", ES384]");
  }

  @Test
  void aPublicKeySetCannotSign() {
    assertThatThrownBy(
            () -> SigningKey.fromPrivateJwks(SigningKeyPair.generate("ES256").publicJwks()))
        .hasMessage("the private key file must hold exactly one private EC key, found 0");
  }
}
