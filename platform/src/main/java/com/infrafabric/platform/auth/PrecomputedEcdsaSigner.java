package com.infrafabric.platform.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.util.BigIntegers;

/**
 * Signs JWS objects with ECDSA ({@code ES256}, {@code ES384}, {@code ES512}) using BouncyCastle's
 * precomputed multiples of the curve's generator and its curve-specific field arithmetic. Why:
 * every claim signs a grant, and the cost of an ECDSA signature is one multiplication of the
 * generator. The JDK 17 SunEC multiplies the generator like any other point (a 4-bit window, no
 * table), about 0.5 ms of CPU on our two-core box; with a table it is about 0.1 ms (JDK 25's SunEC
 * has one for P-256, and is still slower there). The signatures are plain ECDSA in the JWS form
 * ({@code r || s}, each padded to the order's length), so verifiers accept them as any.
 *
 * <p>Nonces are deterministic (RFC 6979, HMAC with the algorithm's hash): no {@code SecureRandom}
 * on the signing path, hence no PRNG lock shared by the worker threads that sign, and no signature
 * that leaks the key if a random source ever repeats.
 *
 * <p>Thread-safe: each signature uses its own BouncyCastle signer and digests; the private scalar
 * and the curve's table are immutable and shared.
 */
final class PrecomputedEcdsaSigner implements JWSSigner {

  private static final Map<JWSAlgorithm, Supplier<Digest>> DIGESTS =
      Map.of(
          JWSAlgorithm.ES256, SHA256Digest::new,
          JWSAlgorithm.ES384, SHA384Digest::new,
          JWSAlgorithm.ES512, SHA512Digest::new);

  private final JWSAlgorithm algorithm;
  private final Supplier<Digest> digest;
  private final ECPrivateKeyParameters privateKey;
  private final int scalarLength;
  private final JCAContext jcaContext = new JCAContext();

  private PrecomputedEcdsaSigner(
      JWSAlgorithm algorithm, Supplier<Digest> digest, ECPrivateKeyParameters privateKey) {
    this.algorithm = algorithm;
    this.digest = digest;
    this.privateKey = privateKey;
    this.scalarLength = BigIntegers.getUnsignedByteLength(privateKey.getParameters().getN());
  }

  /**
   * A signer of {@code algorithm} with the private part of {@code key}.
   *
   * @throws IllegalArgumentException if the key is public only, or {@code algorithm} is not an
   *     ECDSA algorithm of the key's curve
   */
  static PrecomputedEcdsaSigner of(ECKey key, JWSAlgorithm algorithm) {
    Supplier<Digest> digest = DIGESTS.get(algorithm);
    X9ECParameters curve = CustomNamedCurves.getByName(key.getCurve().getStdName());
    if (digest == null || curve == null) {
      throw new IllegalArgumentException(
          "key " + key.getKeyID() + " on " + key.getCurve() + " cannot sign " + algorithm);
    }
    if (key.getD() == null) {
      throw new IllegalArgumentException("key " + key.getKeyID() + " has no private part");
    }
    ECDomainParameters domain =
        new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH());
    BigInteger scalar = key.getD().decodeToBigInteger();
    return new PrecomputedEcdsaSigner(
        algorithm, digest, new ECPrivateKeyParameters(scalar, domain));
  }

  @Override
  public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
    if (!algorithm.equals(header.getAlgorithm())) {
      throw new JOSEException("this key signs " + algorithm + ", not " + header.getAlgorithm());
    }
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(digest.get()));
    signer.init(true, privateKey);
    BigInteger[] rs = signer.generateSignature(hash(signingInput));
    byte[] signature = new byte[2 * scalarLength];
    BigIntegers.asUnsignedByteArray(rs[0], signature, 0, scalarLength);
    BigIntegers.asUnsignedByteArray(rs[1], signature, scalarLength, scalarLength);
    return Base64URL.encode(signature);
  }

  private byte[] hash(byte[] input) {
    Digest hash = digest.get();
    hash.update(input, 0, input.length);
    byte[] out = new byte[hash.getDigestSize()];
    hash.doFinal(out, 0);
    return out;
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    return Set.of(algorithm);
  }

  /** Unused: this signer goes through no JCA provider; present because Nimbus' interface asks. */
  @Override
  public JCAContext getJCAContext() {
    return jcaContext;
  }
}
