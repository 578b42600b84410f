package com.infrafabric.chassis.mcp;

import com.infrafabric.chassis.Chassis;
import com.infrafabric.chassis.ToolRef;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * This node's view of which tool versions are registered, read from the registry at most once per
 * {@code maxAge} (one Redis read of the references, no contract parsed): what MCP names resolve
 * against and what {@code tools/list} pages through. {@link #refresh()} reads it again and reports
 * the versions published or removed since the last read, wherever that happened, which is how open
 * sessions on every node learn of them. Thread-safe; two reads at once may both report a change.
 */
final class RegisteredTools {

  private final Chassis chassis;
  private final Clock clock;
  private final Duration maxAge;
  private final Consumer<Set<ToolRef>> changed;
  private volatile Snapshot snapshot;

  private record Snapshot(List<ToolRef> refs, Instant readAt) {}

  RegisteredTools(Chassis chassis, Clock clock, Duration maxAge, Consumer<Set<ToolRef>> changed) {
    this.chassis = chassis;
    this.clock = clock;
    this.maxAge = maxAge;
    this.changed = changed;
  }

  /** Every registered version, at most {@code maxAge} old. */
  Future<List<ToolRef>> current() {
    Snapshot last = snapshot;
    if (last != null && clock.instant().isBefore(last.readAt().plus(maxAge))) {
      return Future.succeededFuture(last.refs());
    }
    return refresh();
  }

  /** Reads the registry now; reports what changed since the last read, if anything. */
  Future<List<ToolRef>> refresh() {
    return chassis
        .refs()
        .map(
            refs -> {
              Snapshot last = snapshot;
              snapshot = new Snapshot(refs, clock.instant());
              if (last != null) {
                Set<ToolRef> difference = new HashSet<>(refs);
                difference.addAll(last.refs());
                Set<ToolRef> kept = new HashSet<>(refs);
                kept.retainAll(last.refs());
                difference.removeAll(kept);
                if (!difference.isEmpty()) {
                  changed.accept(difference);
                }
              }
              return refs;
            });
  }
}
