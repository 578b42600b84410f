package com.infrafabric.platform.testing;

import com.infrafabric.platform.auth.JwtSettings;
import com.infrafabric.platform.auth.SigningKeyPair;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.auth.TokenSpec;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Tokens for tests: an ES256 key pair made in memory, its public JWK set written to a file a real
 * {@code JwtAuthenticator} reads, and tokens both valid and broken in every way a verifier must
 * refuse. Tokens are minted at the given clock's time.
 *
 * <pre>{@code
 * TestTokens tokens = TestTokens.create(tempDir, clock);
 * JwtAuthenticator auth = JwtAuthenticator.create(vertx, tokens.settings(), clock);
 * String admin = tokens.valid("alice", "admin");
 * }</pre>
 */
public final class TestTokens {

  public static final String ISSUER = "https://issuer.infrafabric.test";
  public static final String AUDIENCE = "infrafabric-test";
  public static final Duration TTL = Duration.ofMinutes(15);

  private final Path jwksFile;
  private final Clock clock;
  private final SigningKeyPair keys;
  private final SigningKeyPair strangerKeys;
  private final TokenMinter minter;

  private TestTokens(Path jwksFile, Clock clock, SigningKeyPair keys) {
    this.jwksFile = jwksFile;
    this.clock = clock;
    this.keys = keys;
    this.strangerKeys = SigningKeyPair.generate("ES256");
    this.minter = TokenMinter.fromPrivateJwks(keys.privateJwks());
  }

  /** Generates a key and writes its public JWK set to {@code directory/jwks.json}. */
  public static TestTokens create(Path directory, Clock clock) {
    SigningKeyPair keys = SigningKeyPair.generate("ES256");
    Path file = directory.resolve("jwks.json");
    write(file, keys.publicJwks());
    return new TestTokens(file, clock, keys);
  }

  /** Signs with the trusted key, for tokens that are not bearer tokens (grants). */
  public TokenMinter minter() {
    return minter;
  }

  public Path jwksFile() {
    return jwksFile;
  }

  /** Verification settings matching these tokens (ES256, 30 s skew, 60 s refresh). */
  public JwtSettings settings() {
    return JwtSettings.of(jwksFile, ISSUER, AUDIENCE);
  }

  /**
   * What {@link #valid} signs; extend it with scope, claims or another ttl and {@link #mint} it.
   */
  public TokenSpec spec(String subject, String... roles) {
    return TokenSpec.of(subject, ISSUER, AUDIENCE, TTL).withRoles(roles);
  }

  public String mint(TokenSpec spec) {
    return minter.mint(spec, clock.instant());
  }

  public String valid(String subject, String... roles) {
    return mint(spec(subject, roles));
  }

  /** Expired an hour ago, well beyond any clock skew. */
  public String expired(String subject) {
    return minter.mint(spec(subject), clock.instant().minus(TTL).minus(Duration.ofHours(1)));
  }

  /** Valid only from an hour from now. */
  public String notYetValid(String subject) {
    return minter.mint(spec(subject), clock.instant().plus(Duration.ofHours(1)));
  }

  public String wrongIssuer(String subject) {
    return mint(spec(subject).withIssuer("https://someone-else.test"));
  }

  public String wrongAudience(String subject) {
    return mint(spec(subject).withAudience("another-service"));
  }

  /** Signed by a key nobody trusts that claims the trusted key's id. */
  public String wrongKey(String subject) {
    return sign(claims(subject), keys.keyId(), strangerKeys);
  }

  /** A valid token for {@code subject} whose claims were swapped for an admin's after signing. */
  public String forged(String subject) {
    String[] parts = valid(subject).split("\\.");
    parts[1] = claims("root").toPayload().toBase64URL().toString();
    return String.join(".", parts);
  }

  /** An unsigned token ({@code alg: none}) with perfectly valid claims. */
  public String algNone(String subject) {
    return new PlainJWT(claims(subject)).serialize();
  }

  /**
   * The classic algorithm-confusion attack: HS256, keyed with the bytes of the trusted public JWK
   * set, which an attacker can read.
   */
  public String hs256WithPublicKeyAsSecret(String subject) {
    byte[] secret = keys.publicJwks().getBytes(StandardCharsets.UTF_8);
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keys.keyId()).build(), claims(subject));
    try {
      jwt.sign(new MACSigner(secret));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /**
   * One token for {@code subject} of each kind a service must refuse on every route, by a name fit
   * for a test's display name: forged, expired, wrong audience, alg none, HS256 keyed with the
   * public key, and signed by a stranger's key.
   */
  public Map<String, String> broken(String subject) {
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("forged", forged(subject));
    tokens.put("expired", expired(subject));
    tokens.put("wrong audience", wrongAudience(subject));
    tokens.put("alg none", algNone(subject));
    tokens.put("HS256 with the public key", hs256WithPublicKeyAsSecret(subject));
    tokens.put("wrong key", wrongKey(subject));
    return tokens;
  }

  /**
   * Signed with the trusted key: an admin token for {@code subject} whose times were set by {@code
   * times} (a builder holding {@code iat} now and {@code exp} {@link #TTL} later; null drops one).
   */
  public String withTimes(String subject, UnaryOperator<JWTClaimsSet.Builder> times) {
    return sign(times.apply(new JWTClaimsSet.Builder(claims(subject))).build(), keys.keyId(), keys);
  }

  /**
   * A valid token for {@code subject} with {@code roles} and the claim {@code name} present as JSON
   * {@code null}, signed with the trusted key: Nimbus's builder drops null claims, an identity
   * provider may not.
   */
  public String withNullClaim(String subject, String name, String... roles) {
    return withClaimValue(subject, name, null, roles);
  }

  /**
   * A valid token for {@code subject} with {@code roles} and the claim {@code name} set to {@code
   * value} as given (a list holding a null, say), signed with the trusted key.
   */
  public String withClaimValue(String subject, String name, Object value, String... roles) {
    Map<String, Object> payload = new LinkedHashMap<>(claims(subject).toJSONObject());
    payload.put("roles", List.of(roles));
    payload.put(name, value);
    try {
      ECKey key = (ECKey) JWKSet.parse(keys.privateJwks()).getKeys().get(0);
      JWSObject object =
          new JWSObject(
              new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(keys.keyId()).build(),
              new Payload(new JsonObject(payload).encode()));
      object.sign(new ECDSASigner(key));
      return object.serialize();
    } catch (ParseException | JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The claims of {@code token} (any JWS) signed again with the trusted key under a header written
   * as given: {@code alg} ES256, the trusted key's {@code kid}, then {@code members}, JSON object
   * members such as {@code "crit":["foo"],"foo":1}. For header parameters Nimbus's builder will not
   * write, and only those: the signature verifies.
   */
  public String resigned(String token, String members) {
    String header = "{\"alg\":\"ES256\",\"kid\":\"" + keys.keyId() + "\"," + members + "}";
    try {
      ECKey key = (ECKey) JWKSet.parse(keys.privateJwks()).getKeys().get(0);
      JWSObject object =
          new JWSObject(
              JWSHeader.parse(Base64URL.encode(header)),
              new Payload(new Base64URL(token.split("\\.")[1])));
      object.sign(new ECDSASigner(key));
      return object.serialize();
    } catch (ParseException | JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public String missingKid(String subject) {
    return sign(claims(subject), null, keys);
  }

  public String unknownKid(String subject) {
    return sign(claims(subject), "no-such-key", keys);
  }

  /**
   * Adds a new key to the JWK set file (the old one stays, as during a rotation) and returns tokens
   * signed with it.
   */
  public TestTokens rotate() {
    SigningKeyPair next = SigningKeyPair.generate("ES256");
    try {
      List<JWK> all = new ArrayList<>(JWKSet.parse(Files.readString(jwksFile)).getKeys());
      all.addAll(JWKSet.parse(next.publicJwks()).getKeys());
      write(jwksFile, new JWKSet(all).toString());
    } catch (IOException | ParseException e) {
      throw new IllegalStateException(e);
    }
    return new TestTokens(jwksFile, clock, next);
  }

  private JWTClaimsSet claims(String subject) {
    Instant now = clock.instant();
    return new JWTClaimsSet.Builder()
        .subject(subject)
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(TTL)))
        .claim("roles", List.of("admin"))
        .build();
  }

  private static String sign(JWTClaimsSet claims, String kid, SigningKeyPair with) {
    try {
      ECKey key = (ECKey) JWKSet.parse(with.privateJwks()).getKeys().get(0);
      SignedJWT jwt =
          new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build(), claims);
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (ParseException | JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
