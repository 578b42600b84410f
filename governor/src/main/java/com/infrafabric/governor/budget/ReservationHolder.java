package com.infrafabric.governor.budget;

import com.infrafabric.governor.tenant.Fingerprint;
import com.infrafabric.governor.tenant.TenantScripts;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Who holds a reservation: the one principal that may commit or release it. A reservation records
 * its holder when it is made; a commit or release names its caller's, and one from anyone else is
 * refused with {@link com.infrafabric.governor.ErrorCode#RESERVATION_HELD_BY_ANOTHER}, whatever
 * subtree the caller's token covers: a hold covers a call its holder is making, and only the holder
 * knows what that call cost. A tenant's admin cannot settle it either; it ends by its holder or by
 * its expiry.
 *
 * <p>A reservation without a holder ({@link #NONE}: a claim's hold, which its lease guards instead,
 * or one recorded before holders were) is settled by anyone whose subtree covers its scope.
 *
 * @param id the holder as the reservation records it: {@code p:} and 16 hex digits of a digest of a
 *     token's subject (the governor trusts one issuer, so the subject names the principal; a
 *     virtual key's subject is {@code vkey:<id>}), {@code svc:} and a service's name, or {@code ""}
 *     for none
 */
public record ReservationHolder(String id) {

  /** No holder: a reservation made so is settled by scope alone; a caller so holds nothing. */
  public static final ReservationHolder NONE = new ReservationHolder("");

  private static final String PRINCIPAL = "p:";
  private static final String SERVICE = TenantScripts.SERVICE_HOLDER_PREFIX;
  private static final int DIGEST_DIGITS = 16;

  public ReservationHolder {
    Objects.requireNonNull(id, "id");
  }

  /**
   * The principal a token's {@code subject} names: a short digest, so that a reservation keeps a
   * few bytes however long the subject.
   */
  public static ReservationHolder principal(String subject) {
    String digest = Fingerprint.digest(subject.getBytes(StandardCharsets.UTF_8));
    return new ReservationHolder(PRINCIPAL + digest.substring(0, DIGEST_DIGITS));
  }

  /**
   * A service of the platform (the gateway, the chassis), whichever of its nodes makes or settles
   * the hold. A service calls the provider itself once it holds the call's worst case, so its hold
   * still active at its expiry (the node crashed, or the store stayed unreachable until then) is
   * committed at that worst case by the expiry, not released: the call may have been billed. Any
   * other holder's hold (an agent's token or virtual key, which reports what it spent itself) is
   * released by its expiry.
   */
  public static ReservationHolder service(String name) {
    return new ReservationHolder(SERVICE + name);
  }

  /**
   * True for a service's hold. A service settles each of its calls once, after the call was made:
   * its commit is charged even if the hold was ended otherwise, and answered as settled if the
   * hold's expiry committed it (see {@link BudgetEngine#commit}).
   */
  public boolean isService() {
    return id.startsWith(SERVICE);
  }
}
