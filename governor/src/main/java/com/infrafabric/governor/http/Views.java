package com.infrafabric.governor.http;

import static com.infrafabric.wire.reservation.ReservationWire.ACTUAL_MICROS;
import static com.infrafabric.wire.reservation.ReservationWire.ADVISED_MODEL;
import static com.infrafabric.wire.reservation.ReservationWire.AMOUNT_MICROS;
import static com.infrafabric.wire.reservation.ReservationWire.LAYERS;
import static com.infrafabric.wire.reservation.ReservationWire.REMAINING_MICROS;
import static com.infrafabric.wire.reservation.ReservationWire.RESERVATION_ID;
import static com.infrafabric.wire.reservation.ReservationWire.TIGHTEST;

import com.infrafabric.governor.budget.Budget;
import com.infrafabric.governor.budget.BudgetPage;
import com.infrafabric.governor.budget.ChargeResult;
import com.infrafabric.governor.budget.CommitResult;
import com.infrafabric.governor.budget.Discrepancy;
import com.infrafabric.governor.budget.LeaseSetDiscrepancy;
import com.infrafabric.governor.budget.ReconciliationReport;
import com.infrafabric.governor.budget.ReleaseResult;
import com.infrafabric.governor.budget.ReserveOutcome;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.budget.UsageStatus;
import com.infrafabric.governor.ledger.LedgerEntry;
import com.infrafabric.governor.ledger.LedgerPage;
import com.infrafabric.governor.pricing.PricingCatalogue;
import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.governor.tenant.LayerStatus;
import com.infrafabric.governor.tenant.Refusal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The JSON the governor's API answers with; field names are snake case, money in micros. The fields
 * the chassis reads are {@code ReservationWire}'s, declared once for both sides.
 */
final class Views {

  private static final ResetTimes RESETS = new ResetTimes();

  private Views() {}

  static JsonObject layer(LayerStatus layer) {
    return new JsonObject()
        .put("scope", layer.scope().path())
        .put("window", layer.window().wireName())
        .put("cap_micros", layer.capMicros())
        .put("spent_micros", layer.spentMicros())
        .put("reserved_micros", layer.reservedMicros())
        .put(REMAINING_MICROS, layer.remainingMicros())
        .put("resets_at", RESETS.text(layer.window(), layer.resetsAt()));
  }

  static JsonArray layers(List<LayerStatus> layers) {
    JsonArray array = new JsonArray();
    layers.forEach(l -> array.add(layer(l)));
    return array;
  }

  static JsonObject tightest(Optional<LayerStatus> tightest) {
    return tightest.map(Views::layer).orElse(null);
  }

  static JsonObject reserved(Reserved reserved) {
    JsonObject view =
        new JsonObject()
            .put(RESERVATION_ID, reserved.id().toString())
            .put(AMOUNT_MICROS, reserved.amountMicros())
            .put("pricing_version", reserved.pricingVersion())
            .put("expires_at", instant(reserved.expiresAt()))
            .put(LAYERS, layers(reserved.layers()))
            .put(TIGHTEST, tightest(reserved.tightest()))
            .put("replayed", reserved.replayed());
    reserved.advisedModel().ifPresent(model -> view.put(ADVISED_MODEL, model));
    return view;
  }

  static JsonArray refusals(List<Refusal> refusals) {
    JsonArray array = new JsonArray();
    for (Refusal refusal : refusals) {
      array.add(
          new JsonObject()
              .put("scope", refusal.scope().path())
              .put("window", refusal.window().wireName())
              .put("shortfall_micros", refusal.shortfallMicros()));
    }
    return array;
  }

  static JsonObject commit(CommitResult result) {
    return new JsonObject()
        .put(RESERVATION_ID, result.id().toString())
        .put("scope", result.scope().path())
        .put("reserved_micros", result.reservedMicros())
        .put(ACTUAL_MICROS, result.actualMicros())
        .put("released_micros", result.releasedMicros())
        .put("overage", result.overage())
        .put("late", result.late())
        .put("settled_by_expiry", result.settledByExpiry())
        .put(LAYERS, layers(result.layers()))
        .put(TIGHTEST, tightest(ReserveOutcome.tightestOf(result.layers())))
        .put("replayed", result.replayed());
  }

  static JsonObject release(ReleaseResult result) {
    return new JsonObject()
        .put(RESERVATION_ID, result.id().toString())
        .put("scope", result.scope().path())
        .put("released_micros", result.releasedMicros())
        .put("state", result.state())
        .put("replayed", result.replayed());
  }

  static JsonObject charge(ChargeResult result) {
    return new JsonObject()
        .put("charge_id", result.chargeId())
        .put("scope", result.scope().path())
        .put(AMOUNT_MICROS, result.amountMicros())
        .put("over_cap", refusals(result.overCap()))
        .put(LAYERS, layers(result.layers()))
        .put(TIGHTEST, tightest(ReserveOutcome.tightestOf(result.layers())))
        .put("replayed", result.replayed());
  }

  static JsonObject budget(Budget budget) {
    JsonObject limits = new JsonObject();
    budget
        .limits()
        .forEach(
            (window, limit) ->
                limits.put(
                    window.wireName(),
                    new JsonObject()
                        .put("cap_micros", limit.capMicros())
                        .put("thresholds_pct", new JsonArray(limit.thresholdPercents()))));
    return new JsonObject().put("scope", budget.scope().path()).put("limits", limits);
  }

  static JsonObject budgets(BudgetPage page) {
    return new JsonObject()
        .put("budgets", new JsonArray(page.budgets().stream().map(Views::budget).toList()))
        .put("next_cursor", page.nextCursor().orElse(null));
  }

  static JsonObject status(List<UsageStatus> statuses) {
    JsonArray array = new JsonArray();
    for (UsageStatus status : statuses) {
      JsonObject entry =
          new JsonObject()
              .put("scope", status.scope().path())
              .put("window", status.window().wireName())
              .put("spent_micros", status.spentMicros())
              .put("reserved_micros", status.reservedMicros())
              .put("input_tokens", status.tokens().inputTokens())
              .put("cached_input_tokens", status.tokens().cachedInputTokens())
              .put("output_tokens", status.tokens().outputTokens())
              .put("resets_at", RESETS.text(status.window(), status.resetsAt()));
      status.capMicros().ifPresent(cap -> entry.put("cap_micros", cap));
      status.remainingMicros().ifPresent(left -> entry.put(REMAINING_MICROS, left));
      array.add(entry);
    }
    return new JsonObject().put(LAYERS, array);
  }

  static JsonObject ledger(LedgerPage page) {
    JsonArray entries = new JsonArray();
    for (LedgerEntry entry : page.entries()) {
      JsonObject fields = new JsonObject();
      entry.fields().forEach(fields::put);
      entries.add(
          new JsonObject()
              .put("id", entry.id())
              .put("type", entry.type())
              .put("timestamp", instant(entry.timestamp()))
              .put("scope", entry.scope())
              .put("reference", entry.reference())
              .put(AMOUNT_MICROS, entry.amountMicros())
              .put("reserved_delta_micros", entry.reservedDeltaMicros())
              .put("spent_delta_micros", entry.spentDeltaMicros())
              .put("fields", fields));
    }
    return new JsonObject().put("entries", entries).put("next_cursor", page.nextCursor());
  }

  static JsonObject reconciliation(ReconciliationReport report) {
    JsonArray differences = new JsonArray();
    for (Discrepancy d : report.discrepancies()) {
      differences.add(
          new JsonObject()
              .put("scope", d.scope())
              .put("window_id", d.windowId())
              .put("field", d.field())
              .put("counter_micros", d.counterMicros())
              .put("ledger_micros", d.ledgerMicros()));
    }
    JsonArray leaseSets = new JsonArray();
    for (LeaseSetDiscrepancy d : report.leaseSetDiscrepancies()) {
      leaseSets.add(
          new JsonObject()
              .put("subtree", d.subtree())
              .put("lease", d.lease())
              .put("kind", d.kind().code()));
    }
    return new JsonObject()
        .put("tenant", report.tenant())
        .put("consistent", report.consistent())
        .put("last_entry_id", report.lastEntryId())
        .put("entries_replayed", report.entriesReplayed())
        .put("counters_checked", report.countersChecked())
        .put("discrepancies", differences)
        .put("leases_checked", report.leasesChecked())
        .put("lease_set_discrepancies", leaseSets);
  }

  static JsonObject pricing(PricingCatalogue catalogue) {
    return new JsonObject()
        .put("version", catalogue.version())
        .put("models", PricingCatalogues.toJson(catalogue.models().values()));
  }

  private static String instant(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
