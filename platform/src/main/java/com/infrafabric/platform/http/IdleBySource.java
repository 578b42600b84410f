package com.infrafabric.platform.http;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The unauthenticated connections that carry no request, by source address: the ones the guard may
 * close to make room for a newcomer, and which one it closes.
 *
 * <p>A connection that has sent nothing goes before one that has sent bytes (a client in the middle
 * of its request head): a silent connect is the cheapest thing to flood with, and costs its maker
 * nothing to lose. Among those, the source holding the most of them loses one first, so that a
 * flood from a few addresses pays for itself rather than a lone client; within a source, its oldest
 * goes (the one idle longest).
 *
 * <p>Finding the source scans the sources holding such connections, at most the connections held.
 * Not thread-safe: {@link ConnectionGuard} holds its lock.
 *
 * @param <C> what the guard knows of a connection
 */
final class IdleBySource<C> {

  private final Map<String, Source<C>> sources = new HashMap<>();
  private long added;

  /** One source's idle connections, silent ones and ones that sent bytes, each by age. */
  private static final class Source<C> {
    final LinkedHashMap<C, Long> silent = new LinkedHashMap<>();
    final LinkedHashMap<C, Long> heard = new LinkedHashMap<>();

    LinkedHashMap<C, Long> of(boolean heardFrom) {
      return heardFrom ? heard : silent;
    }

    boolean isEmpty() {
      return silent.isEmpty() && heard.isEmpty();
    }
  }

  /**
   * Adds {@code connection} of {@code source} as the youngest idle one; {@code heard} if it sent
   * bytes.
   */
  void add(String source, C connection, boolean heard) {
    sources.computeIfAbsent(source, s -> new Source<>()).of(heard).put(connection, added++);
  }

  /** Removes {@code connection} of {@code source}, if it is here. */
  void remove(String source, C connection) {
    sources.computeIfPresent(
        source,
        (s, idle) -> {
          idle.silent.remove(connection);
          idle.heard.remove(connection);
          return idle.isEmpty() ? null : idle;
        });
  }

  /**
   * Notes that {@code connection}, silent so far, has sent bytes: it is the youngest of those that
   * did, as it has just shown it is in use. Nothing if it is not here as silent.
   */
  void heard(String source, C connection) {
    Source<C> idle = sources.get(source);
    if (idle != null && idle.silent.remove(connection) != null) {
      idle.heard.put(connection, added++);
    }
  }

  /** Takes the one of {@code source} to close: its oldest silent one, else its oldest. */
  Optional<C> takeFrom(String source) {
    Source<C> idle = sources.get(source);
    if (idle == null) {
      return Optional.empty();
    }
    return Optional.of(take(source, idle, idle.silent.isEmpty()));
  }

  /**
   * Takes the one to close from any source: the oldest silent one of the source holding the most
   * silent ones, else the oldest of the source holding the most that sent bytes; empty if none is
   * idle.
   */
  Optional<C> takeAny() {
    return busiest(false).or(() -> busiest(true));
  }

  private Optional<C> busiest(boolean heard) {
    Map.Entry<String, Source<C>> busiest = null;
    for (Map.Entry<String, Source<C>> source : sources.entrySet()) {
      if (busier(
          source.getValue().of(heard), busiest == null ? null : busiest.getValue().of(heard))) {
        busiest = source;
      }
    }
    return busiest == null
        ? Optional.empty()
        : Optional.of(take(busiest.getKey(), busiest.getValue(), heard));
  }

  /** More connections than {@code other}, or as many of which the oldest is older. */
  private static <C> boolean busier(LinkedHashMap<C, Long> one, LinkedHashMap<C, Long> other) {
    if (one.isEmpty()) {
      return false;
    }
    if (other == null) {
      return true;
    }
    if (one.size() != other.size()) {
      return one.size() > other.size();
    }
    return oldestAge(one) < oldestAge(other);
  }

  private static <C> long oldestAge(LinkedHashMap<C, Long> idle) {
    return idle.values().iterator().next();
  }

  private C take(String source, Source<C> idle, boolean heard) {
    Iterator<C> oldest = idle.of(heard).keySet().iterator();
    C connection = oldest.next();
    oldest.remove();
    if (idle.isEmpty()) {
      sources.remove(source);
    }
    return connection;
  }
}
