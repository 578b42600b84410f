package com.infrafabric.governor.tenant;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The caller's name for one mutating request: repeating it returns the first result instead of
 * acting twice, and reusing it for a different request is a conflict. Keys live in Redis for at
 * least 24 hours.
 *
 * <p>Keys are scoped to their owner: the same value named by two callers names two requests, so one
 * caller can neither replay nor block (squat) another's request by guessing its key.
 *
 * @param owner who named the request: a digest of the caller's token subject, or empty for a
 *     request made inside this process
 * @param value 1-128 characters of {@code [A-Za-z0-9._:-]}
 */
public record IdempotencyKey(String owner, String value) {

  private static final int MAX_LENGTH = 128;
  private static final int OWNER_HEX_DIGITS = 32;

  public IdempotencyKey {
    if (owner == null || !owner.isEmpty() && !LowerHex.isDigits(owner, 0, OWNER_HEX_DIGITS)) {
      throw new IllegalArgumentException("owner must be empty or a 32-digit hex digest");
    }
    if (!isValid(value)) {
      throw new GovernorException(
          ErrorCode.INVALID_IDEMPOTENCY_KEY,
          "idempotency key must be 1-128 characters of A-Z a-z 0-9 . _ : -");
    }
  }

  /** A key named by code in this process (tests, embedded callers), not by a remote caller. */
  public static IdempotencyKey of(String value) {
    return new IdempotencyKey("", value);
  }

  /**
   * {@code value} as named by the caller whose token subject is {@code subject} and which acts in
   * {@code scope} ({@code ""} for a platform token): two tokens of one subject confined to sibling
   * subtrees own their keys apart, so neither learns from a conflict what the other did.
   */
  public static IdempotencyKey ofCaller(String subject, String scope, String value) {
    return new IdempotencyKey(digest(subject + '\n' + scope), value);
  }

  /** Whether {@code value} is 1-128 characters of {@code [A-Za-z0-9._:-]}. */
  private static boolean isValid(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean allowed =
          c >= 'a' && c <= 'z'
              || c >= 'A' && c <= 'Z'
              || c >= '0' && c <= '9'
              || c == '.'
              || c == '_'
              || c == ':'
              || c == '-';
      if (!allowed) {
        return false;
      }
    }
    return true;
  }

  /** The name under which the key is stored: owner and value, which cannot run into each other. */
  public String storedName() {
    return (owner.isEmpty() ? "-" : owner) + ':' + value;
  }

  private static String digest(String subject) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(subject.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
