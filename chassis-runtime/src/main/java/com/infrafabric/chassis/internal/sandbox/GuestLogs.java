package com.infrafabric.chassis.internal.sandbox;

import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.hostapi.abi.LogLevel;
import com.infrafabric.platform.ratelimit.ClockTimeMeter;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * What this node does with the entries guests log beyond keeping them for the answer: bounds how
 * many one invocation may make ({@link #maxEntries()}), and copies them into the service log
 * (logger {@code infrafabric.chassis.guest}), at most {@code linesPerSecond} per tenant and tool on
 * this node with bursts of {@code burst}, each cut to its first {@value #RELAYED_LINE_BYTES} bytes
 * (UTF-8) with a marker saying how many were cut. A line may be as long as a contract's log bytes
 * (up to 1 MiB), so a rate in lines alone would let one tool write megabytes a second into the log
 * every tenant shares; lines and bytes per line together bound the bytes. A guest's entries all
 * still reach its own answer whole; only the copy into the log the operator pays for is limited,
 * and every line left out is counted in {@code chassis.guest.log.dropped} (tag {@code tool}).
 *
 * <p>The limit is per node because what it protects is per node: this process's log volume. Buckets
 * live in memory, the least recently used dropped beyond {@value #MAX_BUCKETS} (a dropped bucket
 * starts full again, which only ever lets a quiet tool log sooner). Refill reads the injected
 * clock. Thread-safe.
 */
public final class GuestLogs {

  static final int MAX_BUCKETS = 10_000;

  /** The most bytes of one entry's message copied into the service log. */
  static final int RELAYED_LINE_BYTES = 1024;

  private static final Logger GUEST_LOG = LoggerFactory.getLogger("infrafabric.chassis.guest");

  private final int maxEntries;
  private final Bandwidth bandwidth;
  private final ClockTimeMeter time;
  private final MeterRegistry meters;
  private final Map<Key, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true);

  private record Key(String tenant, ToolRef tool) {}

  /**
   * @param maxEntries entries one invocation may log; the next one stops it with {@code LOG_LIMIT}
   * @param linesPerSecond lines per tenant and tool this node copies into its log per second
   * @param burst lines per tenant and tool copied at once after a quiet spell
   */
  public GuestLogs(
      int maxEntries, int linesPerSecond, int burst, Clock clock, MeterRegistry meters) {
    this.maxEntries = maxEntries;
    this.bandwidth =
        Bandwidth.builder()
            .capacity(burst)
            .refillGreedy(linesPerSecond, Duration.ofSeconds(1))
            .build();
    this.time = new ClockTimeMeter(clock);
    this.meters = meters;
  }

  public int maxEntries() {
    return maxEntries;
  }

  /**
   * Writes one sanitized entry to the service log, cut to {@value #RELAYED_LINE_BYTES} bytes,
   * unless its tenant and tool are over rate.
   */
  void relay(ToolRef tool, InvocationContext context, LogLevel level, String text) {
    if (!mayWrite(tool, context)) {
      return;
    }
    GUEST_LOG
        .atLevel(Level.valueOf(level.name()))
        .addKeyValue("tool", tool.toString())
        .addKeyValue("tenant", context.tenant())
        .addKeyValue("agent", context.agent())
        .addKeyValue("invocation", context.invocationId())
        .log(cut(text));
  }

  /**
   * Whether one more line about {@code tool}'s invocation for {@code context}'s tenant may be
   * written into the service log now, taking its place if so and counting it as dropped if not.
   * Every line a guest can cause goes through here: its own entries ({@link #relay}), and the
   * host's lines about what it did (an egress refusal's address, a runtime failure on its behalf),
   * which a guest could otherwise repeat at the speed of its loop.
   */
  boolean mayWrite(ToolRef tool, InvocationContext context) {
    if (bucket(new Key(context.tenant(), tool)).tryConsume(1)) {
      return true;
    }
    dropped(tool).increment();
    return false;
  }

  /** {@code text}, or its first {@value #RELAYED_LINE_BYTES} bytes and how many more there were. */
  static String cut(String text) {
    if (text.length() <= RELAYED_LINE_BYTES / 3) {
      return text;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= RELAYED_LINE_BYTES) {
      return text;
    }
    int end = RELAYED_LINE_BYTES;
    while ((bytes[end] & 0xC0) == 0x80) {
      end--;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8)
        + " [cut: "
        + (bytes.length - end)
        + " more bytes not relayed]";
  }

  private synchronized Bucket bucket(Key key) {
    Bucket bucket = buckets.get(key);
    if (bucket == null) {
      bucket = Bucket.builder().addLimit(bandwidth).withCustomTimePrecision(time).build();
      buckets.put(key, bucket);
      if (buckets.size() > MAX_BUCKETS) {
        buckets.remove(buckets.keySet().iterator().next());
      }
    }
    return bucket;
  }

  private Counter dropped(ToolRef tool) {
    return Counter.builder("chassis.guest.log.dropped")
        .description(
            "Lines about a guest (its log entries, the host's lines about what it did) not"
                + " written into the service log: their tenant and tool were over rate")
        .tag("tool", tool.toString())
        .register(meters);
  }
}
