package com.infrafabric.governor.budget;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import java.util.regex.Pattern;

/**
 * The caller's name for one mutating request: repeating it returns the first result instead of
 * acting twice, and reusing it for a different request is a conflict. Keys live in Redis for at
 * least 24 hours.
 *
 * @param value 1-128 characters of {@code [A-Za-z0-9._:-]}
 */
public record IdempotencyKey(String value) {

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  public IdempotencyKey {
    if (value == null || !VALID.matcher(value).matches()) {
      throw new GovernorException(
          ErrorCode.INVALID_IDEMPOTENCY_KEY,
          "idempotency key must be 1-128 characters of A-Z a-z 0-9 . _ : -");
    }
  }

  public static IdempotencyKey of(String value) {
    return new IdempotencyKey(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
