package com.infrafabric.governor.budget;

import com.infrafabric.governor.policy.ModelDowngrade;
import com.infrafabric.governor.tenant.LayerStatus;
import com.infrafabric.governor.tenant.Refusal;
import com.infrafabric.governor.tenant.ReservationId;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What a reservation request came to: held, or denied with the layers that refused. */
public sealed interface ReserveOutcome {

  /** Every capped window of every budgeted layer, as the request left (or found) them. */
  List<LayerStatus> layers();

  /**
   * The cheaper model the tenant's policy advises for this reservation's model now that budget is
   * running low (see {@link ModelDowngrade}); empty when there is no such advice.
   */
  Optional<String> advisedModel();

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
   * @param advisedModel the policy's downgrade advice, if any
   */
  record Reserved(
      ReservationId id,
      long amountMicros,
      long pricingVersion,
      Instant expiresAt,
      List<LayerStatus> layers,
      boolean replayed,
      Optional<String> advisedModel)
      implements ReserveOutcome {
    public Reserved {
      layers = List.copyOf(layers);
      Objects.requireNonNull(advisedModel, "advisedModel");
    }

    /** A reservation without downgrade advice (the shape before advice existed). */
    public Reserved(
        ReservationId id,
        long amountMicros,
        long pricingVersion,
        Instant expiresAt,
        List<LayerStatus> layers,
        boolean replayed) {
      this(id, amountMicros, pricingVersion, expiresAt, layers, replayed, Optional.empty());
    }
  }

  /**
   * Nothing is held: at least one layer's window lacks room. Denials are not stored under the
   * idempotency key, since they changed nothing; a retry is decided afresh.
   *
   * @param refusals every layer and window that refused, root first
   * @param advisedModel the policy's downgrade advice, if any: a cheaper model may still fit
   */
  record Denied(
      long amountMicros,
      List<Refusal> refusals,
      List<LayerStatus> layers,
      Optional<String> advisedModel)
      implements ReserveOutcome {
    public Denied {
      refusals = List.copyOf(refusals);
      layers = List.copyOf(layers);
      Objects.requireNonNull(advisedModel, "advisedModel");
    }

    /** A denial without downgrade advice (the shape before advice existed). */
    public Denied(long amountMicros, List<Refusal> refusals, List<LayerStatus> layers) {
      this(amountMicros, refusals, layers, Optional.empty());
    }
  }
}
