package com.infrafabric.governor.spend;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.ledger.LedgerEntry;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/** What a spend report can group by, and where each is read from a ledger entry. */
public enum SpendDimension {
  /** The virtual key the call was made with ({@code kid}); empty for calls made without one. */
  KEY,
  /** The model priced ({@code model}); empty for fixed amounts. */
  MODEL,
  /** The scope charged. */
  SCOPE,
  /** The day, in the tenant's zone, whose window the spend counts in ({@code YYYY-MM-DD}). */
  DAY,
  /** The upstream provider that served the call ({@code prov}); empty when not attributed. */
  PROVIDER;

  /** The name in queries, reports and CSV headers. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static SpendDimension fromWireName(String name) {
    return Arrays.stream(values())
        .filter(d -> d.wireName().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new GovernorException(
                    ErrorCode.INVALID_REQUEST,
                    "cannot group spend by '"
                        + name.replaceAll("[^\\x20-\\x7e]", "?")
                        + "' (key, model, scope, day, provider)",
                    Map.of("field", "group_by")));
  }

  /** This dimension's value in {@code entry}. */
  String of(LedgerEntry entry) {
    return switch (this) {
      case KEY -> entry.fields().getOrDefault("kid", "");
      case MODEL -> entry.fields().getOrDefault("model", "");
      case SCOPE -> entry.scope();
      case DAY -> day(entry);
      case PROVIDER -> entry.fields().getOrDefault("prov", "");
    };
  }

  /** The day window id the spend went to ({@code dYYYYMMDD} in {@code sw}) as an ISO date. */
  private static String day(LedgerEntry entry) {
    for (String window : entry.spentWindows()) {
      if (window.length() == 9 && window.charAt(0) == 'd') {
        return window.substring(1, 5) + '-' + window.substring(5, 7) + '-' + window.substring(7);
      }
    }
    return "";
  }
}
