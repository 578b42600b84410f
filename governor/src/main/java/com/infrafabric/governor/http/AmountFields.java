package com.infrafabric.governor.http;

import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.platform.http.Fields;
import java.util.Optional;

/**
 * Amounts and token counts read from a request body: the integer as sent, of any size, checked by
 * its domain type, so every value out of range (64 bits or past them) is one refusal, {@code
 * INVALID_AMOUNT} naming the field (in full, as the request names it: {@code
 * limits.day.cap_micros}) and the number as sent.
 */
final class AmountFields {

  private AmountFields() {}

  /** The micro-dollar amount {@code field}, required. */
  static long micros(Fields body, String field) {
    return Money.checkAmount(body.fullName(field), body.exactInteger(field));
  }

  /** The micro-dollar amount {@code field}, required and at least 1. */
  static long positiveMicros(Fields body, String field) {
    return Money.checkPositive(body.fullName(field), body.exactInteger(field));
  }

  /** The token count {@code field}, required. */
  static long tokens(Fields body, String field) {
    return TokenUsage.check(body.fullName(field), body.exactInteger(field));
  }

  /** The token count {@code field}, when given. */
  static Optional<Long> optionalTokens(Fields body, String field) {
    return body.optionalExactInteger(field)
        .map(count -> TokenUsage.check(body.fullName(field), count));
  }
}
