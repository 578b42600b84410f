package com.infrafabric.governor.budget;

import java.util.List;
import java.util.Optional;

/**
 * One page of a subtree's reservations, in no particular order (see {@link Reservations}).
 *
 * @param reservations at most the page's limit, possibly none while more follow
 * @param nextCursor where the next page starts, empty once the listing is complete
 */
public record ReservationPage(List<ReservationRecord> reservations, Optional<String> nextCursor) {

  public ReservationPage {
    reservations = List.copyOf(reservations);
  }
}
