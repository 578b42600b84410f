package com.infrafabric.benchmarks.grant;

import com.infrafabric.platform.auth.SigningKeyPair;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.wire.grant.Grant;
import com.infrafabric.wire.grant.GrantTokens;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one claim's grant costs to sign, taken apart: the whole {@link GrantTokens#sign} (claims
 * set, JSON, base64url and the ES256 signature), the claims and signing input alone, and the
 * signature alone through Nimbus' {@link ECDSASigner} and through the JDK's {@link Signature} in
 * P1363 format, all on one P-256 key and one claims set. The gaps between them say where a grant's
 * time goes; the signature alone is the floor for the JDK it runs on.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class GrantSigningBenchmark {

  private static final String ISSUER = "https://governor.bench";
  private static final String AUDIENCE = "chassis";

  private final Clock clock = Clock.fixed(Instant.parse("2026-12-05T12:00:00Z"), ZoneOffset.UTC);
  private TokenMinter minter;
  private Grant grant;
  private ECKey key;
  private JWSHeader header;
  private byte[] signingInput;
  private ECDSASigner nimbusSigner;

  @Setup
  public void makeKeyAndGrant() throws ParseException, JOSEException {
    SigningKeyPair pair = SigningKeyPair.generate("ES256");
    minter = TokenMinter.fromPrivateJwks(pair.privateJwks());
    key = (ECKey) JWKSet.parse(pair.privateJwks()).getKeys().get(0);
    header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build();
    grant =
        new Grant(
            "grant:lease-0123456789abcdef",
            "agent-4711",
            "bench",
            "lease-0123456789abcdef",
            "bench/project",
            Set.of("ab".repeat(32)),
            Set.of("c1", "c18"),
            Set.of(),
            Set.of("bench-model"),
            1_000_000,
            3,
            clock.instant().plus(Duration.ofMinutes(5)));
    signingInput = SignedJWT.parse(signedGrant()).getSigningInput();
    nimbusSigner = new ECDSASigner(key);
  }

  /** What a claim pays: the claims, their JSON, base64url and the signature. */
  @Benchmark
  public String signedGrant() {
    return GrantTokens.sign(minter, ISSUER, AUDIENCE, grant, clock);
  }

  /** The signature alone, through the signer Nimbus makes of the key (the JDK's by default). */
  @Benchmark
  public Base64URL nimbusEcdsaSigner() throws JOSEException {
    return nimbusSigner.sign(header, signingInput);
  }

  /** The signature alone, through the JDK's default provider, with no JOSE library around it. */
  @Benchmark
  public byte[] jdkP1363Signature(JdkSigner signer) throws GeneralSecurityException {
    signer.signature.initSign(signer.privateKey);
    signer.signature.update(signingInput);
    return signer.signature.sign();
  }

  /** A {@link Signature} per thread: the JCA object is not thread-safe; the key is reused. */
  @State(Scope.Thread)
  public static class JdkSigner {
    Signature signature;
    PrivateKey privateKey;

    @Setup
    public void make(GrantSigningBenchmark benchmark) throws GeneralSecurityException {
      try {
        privateKey = benchmark.key.toPrivateKey();
      } catch (JOSEException e) {
        throw new GeneralSecurityException(e);
      }
      signature = Signature.getInstance("SHA256withECDSAinP1363Format");
    }
  }
}
