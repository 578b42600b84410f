package com.infrafabric.governor.budget;

import com.infrafabric.governor.tenant.LayerStatus;
import com.infrafabric.governor.tenant.Refusal;
import com.infrafabric.governor.tenant.Scope;
import java.util.List;

/**
 * Recorded spend.
 *
 * @param chargeId the ledger's name for this charge
 * @param scope where it was charged
 * @param amountMicros the amount recorded
 * @param overCap layers and windows whose spent plus reserved now exceeds the cap
 * @param layers capped windows after the charge
 * @param replayed true if this is the stored result of an earlier identical request
 */
public record ChargeResult(
    String chargeId,
    Scope scope,
    long amountMicros,
    List<Refusal> overCap,
    List<LayerStatus> layers,
    boolean replayed) {

  public ChargeResult {
    overCap = List.copyOf(overCap);
    layers = List.copyOf(layers);
  }
}
