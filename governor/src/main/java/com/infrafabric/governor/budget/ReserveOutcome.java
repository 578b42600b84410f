package com.infrafabric.governor.budget;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** What a reservation request came to: held, or denied with the layers that refused. */
public sealed interface ReserveOutcome {

  /** Every capped window of every budgeted layer, as the request left (or found) them. */
  List<LayerStatus> layers();

  /** The layer with the least remaining budget: what spend headers report. */
  default Optional<LayerStatus> tightest() {
    return tightestOf(layers());
  }

  /** The layer with the least remaining budget among {@code layers}, if any is capped. */
  static Optional<LayerStatus> tightestOf(List<LayerStatus> layers) {
    return layers.stream().min(Comparator.comparingLong(LayerStatus::remainingMicros));
  }

  /**
   * The amount is held.
   *
   * @param id the reservation, to commit or release
   * @param amountMicros the amount held
   * @param pricingVersion the catalogue version the estimate came from (0 for a fixed amount)
   * @param expiresAt when the hold is released if nobody commits or releases it
   * @param replayed true if this is the stored result of an earlier identical request
   */
  record Reserved(
      ReservationId id,
      long amountMicros,
      long pricingVersion,
      Instant expiresAt,
      List<LayerStatus> layers,
      boolean replayed)
      implements ReserveOutcome {
    public Reserved {
      layers = List.copyOf(layers);
    }
  }

  /**
   * Nothing is held: at least one layer's window lacks room. Denials are not stored under the
   * idempotency key, since they changed nothing; a retry is decided afresh.
   *
   * @param refusals every layer and window that refused, root first
   */
  record Denied(long amountMicros, List<Refusal> refusals, List<LayerStatus> layers)
      implements ReserveOutcome {
    public Denied {
      refusals = List.copyOf(refusals);
      layers = List.copyOf(layers);
    }
  }
}
