package com.infrafabric.governor.http;

import static com.infrafabric.governor.http.CallerScope.ADMIN;
import static com.infrafabric.governor.http.CallerScope.AUDITOR;

import com.infrafabric.governor.spend.SpendDimension;
import com.infrafabric.governor.spend.SpendQuery;
import com.infrafabric.governor.spend.SpendReport;
import com.infrafabric.governor.spend.SpendReports;
import com.infrafabric.governor.spend.SpendRow;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.http.Fields;
import com.infrafabric.platform.http.Responses;
import com.infrafabric.platform.http.Routes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Spend reports for admins and auditors, confined to their subtree: {@code GET
 * /v1/spend?from=F&to=T&group_by=key,model,day&scope=S&format=json|csv}.
 */
final class SpendRoutes {

  private static final String CSV = "text/csv; charset=utf-8";

  private final SpendReports reports;

  SpendRoutes(SpendReports reports) {
    this.reports = reports;
  }

  void register(Routes routes) {
    routes.get("/v1/spend", Access.tenant(ADMIN, AUDITOR), this::report);
  }

  private void report(RoutingContext ctx) {
    Scope within = Listings.scope(ctx);
    boolean csv = csv(ctx.queryParams().get("format"));
    SpendQuery query =
        new SpendQuery(
            within,
            instant(ctx, "from"),
            instant(ctx, "to"),
            groupBy(ctx.queryParams().get("group_by")));
    Responses.then(
        ctx,
        reports.report(query),
        report -> {
          if (csv) {
            ctx.response().putHeader("Content-Type", CSV).end(csv(report));
          } else {
            Responses.send(ctx, 200, json(report));
          }
        });
  }

  private static boolean csv(String format) {
    if (format == null || format.equals("json")) {
      return false;
    }
    if (format.equals("csv")) {
      return true;
    }
    throw Fields.malformed("format", "must be json or csv");
  }

  private static List<SpendDimension> groupBy(String value) {
    if (value == null) {
      return List.of(SpendDimension.SCOPE);
    }
    List<SpendDimension> dimensions = new ArrayList<>();
    for (String name : value.split(",", -1)) {
      if (dimensions.size() == SpendDimension.values().length) {
        throw Fields.malformed("group_by", "names a dimension twice");
      }
      dimensions.add(SpendDimension.fromWireName(name.strip()));
    }
    return dimensions;
  }

  private static Instant instant(RoutingContext ctx, String name) {
    String value = ctx.queryParams().get(name);
    if (value == null) {
      throw Fields.malformed(name, "is required: an ISO-8601 instant such as 2026-11-23T00:00:00Z");
    }
    return Fields.instant(name, value);
  }

  private static JsonObject json(SpendReport report) {
    JsonArray rows = new JsonArray();
    for (SpendRow row : report.rows()) {
      JsonObject group = new JsonObject();
      for (int i = 0; i < report.groupBy().size(); i++) {
        String value = row.group().get(i);
        group.put(report.groupBy().get(i).wireName(), value.isEmpty() ? null : value);
      }
      rows.add(
          new JsonObject()
              .put("group", group)
              .put("spent_micros", row.spentMicros())
              .put("calls", row.calls())
              .put("input_tokens", row.inputTokens())
              .put("cached_input_tokens", row.cachedInputTokens())
              .put("output_tokens", row.outputTokens()));
    }
    return new JsonObject()
        .put("scope", report.scope())
        .put("from", report.from().toString())
        .put("to", report.to().toString())
        .put(
            "group_by",
            new JsonArray(report.groupBy().stream().map(SpendDimension::wireName).toList()))
        .put("rows", rows)
        .put("entries_scanned", report.entriesScanned());
  }

  /** One header line, then one line per group; text fields quoted when they need it. */
  private static String csv(SpendReport report) {
    StringBuilder out = new StringBuilder();
    for (SpendDimension dimension : report.groupBy()) {
      out.append(dimension.wireName()).append(',');
    }
    out.append("spent_micros,calls,input_tokens,cached_input_tokens,output_tokens\r\n");
    for (SpendRow row : report.rows()) {
      row.group().forEach(value -> out.append(cell(value)).append(','));
      out.append(row.spentMicros())
          .append(',')
          .append(row.calls())
          .append(',')
          .append(row.inputTokens())
          .append(',')
          .append(row.cachedInputTokens())
          .append(',')
          .append(row.outputTokens())
          .append("\r\n");
    }
    return out.toString();
  }

  /**
   * A CSV text cell (RFC 4180), prefixed with an apostrophe when a spreadsheet would read it as a
   * formula.
   */
  private static String cell(String value) {
    String safe = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    return safe.matches("[^,\"\r\n]*") ? safe : '"' + safe.replace("\"", "\"\"") + '"';
  }
}
