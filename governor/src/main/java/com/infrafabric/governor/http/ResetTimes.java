package com.infrafabric.governor.http;

import com.infrafabric.governor.tenant.Window;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The text of the instants budget windows reset at, as answers carry them ({@code resets_at}),
 * formatted once per window instance rather than once per layer of every answer: a reserve and its
 * commit list up to ten of them, and {@link Instant#toString()} allocates some 570 bytes each. One
 * slot per window (today's end, this month's end); a slot asked for another instant (the next day,
 * a tenant in another zone) is replaced, so the answer is always the instant's own text.
 * Thread-safe: a slot holds an immutable pair.
 */
final class ResetTimes {

  private record Formatted(Instant instant, String text) {}

  private final AtomicReferenceArray<Formatted> slots =
      new AtomicReferenceArray<>(Window.values().length);

  /** The ISO-8601 text of {@code resetsAt}, the end of a {@code window}; null for null. */
  String text(Window window, Instant resetsAt) {
    if (resetsAt == null) {
      return null;
    }
    Formatted formatted = slots.get(window.ordinal());
    if (formatted == null || !formatted.instant().equals(resetsAt)) {
      formatted = new Formatted(resetsAt, resetsAt.toString());
      slots.set(window.ordinal(), formatted);
    }
    return formatted.text();
  }
}
