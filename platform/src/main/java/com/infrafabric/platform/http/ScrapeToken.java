package com.infrafabric.platform.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The static bearer token a Prometheus scraper presents for {@code GET /metrics} (its {@code
 * authorization.credentials_file}), so scraping needs no JWT that expires. Only its SHA-256 is
 * kept, and a presented token is compared digest to digest in constant time: neither the token nor
 * how much of it matched can be learnt from this object, a log or the answer's timing.
 */
public final class ScrapeToken {

  /** Short tokens can be guessed; 32 characters of a random token carry well over 128 bits. */
  public static final int MIN_LENGTH = 32;

  private final byte[] digest;

  private ScrapeToken(byte[] digest) {
    this.digest = digest;
  }

  /**
   * @throws IllegalArgumentException naming {@code key} (never the value) if the token is shorter
   *     than {@value #MIN_LENGTH} characters
   */
  public static ScrapeToken of(String key, String token) {
    if (token.length() < MIN_LENGTH) {
      throw new IllegalArgumentException(
          key + " must be at least " + MIN_LENGTH + " characters (a random token)");
    }
    return new ScrapeToken(sha256(token));
  }

  /** Whether {@code presented} (a bearer token, possibly null) is this token. */
  boolean matches(String presented) {
    return presented != null && MessageDigest.isEqual(digest, sha256(presented));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "ScrapeToken[***]";
  }
}
