package com.infrafabric.governor.budget;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.platform.redis.ScriptArgs;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Who made an LLM call and how it went, written into the ledger entry of the reserve, commit or
 * release that accounts for it (fields {@code kid}, {@code prov}, {@code lat_ms}, {@code out}), by
 * the same script step, so spend reports can group by key and provider. Every part is optional: an
 * empty string (or a negative latency) leaves its field out.
 *
 * <p>Not part of a request's idempotency fingerprint: a retry that measured a different latency is
 * the same call, and replays the first answer instead of conflicting.
 *
 * @param keyId the virtual key the call was made with ({@code kid})
 * @param provider the upstream provider that served it ({@code prov})
 * @param latencyMillis the upstream call's duration in milliseconds, or -1 if not known ({@code
 *     lat_ms})
 * @param outcome how the call ended, e.g. {@code ok}, {@code upstream_error}, {@code shutdown},
 *     {@code client_disconnected} ({@code out})
 */
public record CallAttribution(String keyId, String provider, long latencyMillis, String outcome) {

  private static final Pattern TOKEN = Pattern.compile("|[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

  /** No attribution: the ledger entry has none of these fields. */
  public static final CallAttribution NONE = new CallAttribution("", "", -1, "");

  /** The members of the {@code attribution} script argument group, as budget_lib.lua reads them. */
  static final List<String> FIELDS = List.of("kid", "prov", "lat_ms", "out");

  /** One day: a latency beyond it is a caller's bug, not a measurement. */
  public static final long MAX_LATENCY_MILLIS = 86_400_000L;

  public CallAttribution {
    check("key id", keyId);
    check("provider", provider);
    check("outcome", outcome);
    if (latencyMillis < -1 || latencyMillis > MAX_LATENCY_MILLIS) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST,
          "latency " + latencyMillis + " ms is outside 0.." + MAX_LATENCY_MILLIS + " (or -1)",
          Map.of("field", "latency_ms"));
    }
  }

  /** Fills the {@code group} argument group of a script call. */
  void putArgs(ScriptArgs.Values args, String group) {
    args.put(group + ".kid", keyId)
        .put(group + ".prov", provider)
        .put(group + ".lat_ms", latencyMillis < 0 ? "" : Long.toString(latencyMillis))
        .put(group + ".out", outcome);
  }

  private static void check(String what, String value) {
    if (value == null || !TOKEN.matcher(value).matches()) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST,
          what + " must be empty or 1-64 characters of A-Z a-z 0-9 . _ : - starting alphanumeric",
          Map.of("field", what.replace(' ', '_')));
    }
  }
}
