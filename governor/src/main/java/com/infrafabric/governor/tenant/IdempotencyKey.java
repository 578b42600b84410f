package com.infrafabric.governor.tenant;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

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

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern OWNER = Pattern.compile("|[0-9a-f]{32}");

  public IdempotencyKey {
    if (owner == null || !OWNER.matcher(owner).matches()) {
      throw new IllegalArgumentException("owner must be empty or a 32-digit hex digest");
    }
    if (value == null || !VALID.matcher(value).matches()) {
      throw new GovernorException(
          ErrorCode.INVALID_IDEMPOTENCY_KEY,
          "idempotency key must be 1-128 characters of A-Z a-z 0-9 . _ : -");
    }
  }

  /** A key named by code in this process (tests, embedded callers), not by a remote caller. */
  public static IdempotencyKey of(String value) {
    return new IdempotencyKey("", value);
  }

  /** {@code value} as named by the caller whose token subject is {@code subject}. */
  public static IdempotencyKey ofCaller(String subject, String value) {
    return new IdempotencyKey(digest(subject), value);
  }

  /** The name under which the key is stored: owner and value, which cannot run into each other. */
  String storedName() {
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
