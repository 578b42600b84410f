package com.infrafabric.governor.tenant;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.wire.reservation.ReservationWire;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * Names a reservation as {@code <tenant>:r<random>}: the tenant part lets a commit find the
 * tenant's keys without a lookup, the random part cannot be guessed.
 *
 * @param tenant the tenant the reservation belongs to
 * @param token the random part
 */
public record ReservationId(String tenant, String token) {

  private static final int TOKEN_HEX_DIGITS = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  public ReservationId {
    new Scope(List.of(tenant));
    if (token == null || !token.startsWith("r") || !LowerHex.isDigits(token, 1, TOKEN_HEX_DIGITS)) {
      throw malformed();
    }
  }

  public static ReservationId generate(String tenant) {
    return new ReservationId(tenant, randomToken('r'));
  }

  /** A kind letter followed by 128 random bits in hex; also names charges ({@code c...}). */
  public static String randomToken(char kind) {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return kind + HexFormat.of().formatHex(bytes);
  }

  /** Parses the {@code <tenant>:<token>} form {@link #toString()} writes. */
  public static ReservationId parse(String id) {
    int colon = id == null ? -1 : id.lastIndexOf(ReservationWire.ID_TENANT_SEPARATOR);
    if (colon <= 0) {
      throw malformed();
    }
    try {
      return new ReservationId(ReservationWire.tenantOf(id), id.substring(colon + 1));
    } catch (GovernorException e) {
      throw malformed();
    }
  }

  private static GovernorException malformed() {
    return new GovernorException(
        ErrorCode.INVALID_REQUEST, "reservation id must look like <tenant>:r<32 hex digits>");
  }

  @Override
  public String toString() {
    return tenant + ReservationWire.ID_TENANT_SEPARATOR + token;
  }
}
