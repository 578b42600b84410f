package com.infrafabric.governor.ledger;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.platform.redis.RedisIds;
import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Reads a tenant's ledger: the Redis stream every budget script appends to. Entries are ordered by
 * stream id, whose time part is when Redis appended them.
 *
 * <p>A time range selects entries by their recorded time ({@link LedgerEntry#timestamp}, the {@code
 * ts} field): the node's clock, which also chose the budget windows the entry counted in. So a
 * range ending at midnight holds exactly what that day's counters hold, whatever Redis's clock
 * said. Stream ids only bound the scan, widened by {@link #CLOCK_MARGIN} on either side.
 */
public final class Ledger {

  /**
   * How far an entry's recorded time ({@code ts}, the node's clock) may lie from its stream id's
   * time (Redis's clock at {@code XADD}) and still be found by a time range. The two differ by the
   * script's queueing (milliseconds) plus the skew between the node's and Redis's clocks. Nothing
   * measures that skew; nodes are expected to keep NTP time, and five minutes is the most skew the
   * platform tolerates anywhere (the cap on {@code auth.clockSkew}). An entry written by a node
   * further off is a misconfigured clock: it stays in the ledger and in reconciliation, but a time
   * range near its time may miss it.
   */
  public static final Duration CLOCK_MARGIN = Duration.ofMinutes(5);

  private static final String WIDENED =
      ", widened by " + CLOCK_MARGIN.toMinutes() + " minutes either side for clock skew";

  /** Entries examined per page request at most, so a sparse scope filter cannot scan forever. */
  static final int MAX_SCAN_PER_PAGE = 10_000;

  public static final int MAX_PAGE_SIZE = 1000;

  private final RedisStore redis;
  private final LedgerArchive archive;

  /** The ledger kept in Redis only. */
  public Ledger(RedisStore redis) {
    this(redis, null);
  }

  /** The ledger whose older entries {@code archive} keeps; replays read it first. */
  public Ledger(RedisStore redis, LedgerArchive archive) {
    this.redis = redis;
    this.archive = archive;
  }

  static String key(String tenant) {
    return "gov:{" + tenant + "}:ledger";
  }

  /** The lease a node holds while it archives the tenant's ledger ({@link LedgerArchiver}). */
  static String archiverLeaseKey(String tenant) {
    return key(tenant) + ":archiver";
  }

  /**
   * Reads up to {@code limit} entries of {@code tenant} recorded ({@link LedgerEntry#timestamp}) in
   * {@code [from, to]} (either may be null for no bound), restricted to {@code within} and its
   * subtree if given, after {@code cursor} if given, in stream id order. The cursor is the id of
   * the last entry examined, so pages neither skip nor repeat an entry. With an archive, the
   * archived entries come first and the page continues into the stream after the newest of them, so
   * one cursor walks the whole history.
   */
  public Future<LedgerPage> page(
      String tenant, Scope within, Instant from, Instant to, String cursor, int limit) {
    if (limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST, "limit " + limit + " is outside 1.." + MAX_PAGE_SIZE);
    }
    if (cursor != null && !RedisIds.isStreamCursor(cursor)) {
      throw new GovernorException(ErrorCode.INVALID_REQUEST, "cursor is not a ledger entry id");
    }
    TimeRange.requireOrdered(from, to);
    IdRange covering = IdRange.covering(from, to);
    IdRange range = cursor == null ? covering : covering.after(cursor);
    Predicate<LedgerEntry> selected =
        entry -> isRecordedIn(entry, from, to, true) && isWithin(entry, within);
    if (archive == null) {
      return scan(tenant, range.start(), range.end(), selected, limit, new ArrayList<>(), 0);
    }
    return archive
        .page(tenant, range, selected, limit, MAX_SCAN_PER_PAGE)
        .compose(
            archived -> {
              List<LedgerEntry> matches = new ArrayList<>(archived.entries());
              if (matches.size() == limit) {
                return Future.succeededFuture(new LedgerPage(matches, matches.get(limit - 1).id()));
              }
              if (archived.scannedTo() != null) {
                return Future.succeededFuture(new LedgerPage(matches, archived.scannedTo()));
              }
              IdRange rest =
                  archived.newestArchived() == null
                      ? range
                      : range.after(archived.newestArchived());
              return scan(tenant, rest.start(), rest.end(), selected, limit, matches, 0);
            });
  }

  private static boolean isWithin(LedgerEntry entry, Scope within) {
    return within == null || Scope.parse(entry.scope()).isWithin(within);
  }

  /**
   * Whether {@code entry} was recorded at or after {@code from} and before {@code to} (at or before
   * it when {@code toInclusive}); a null bound does not bound.
   */
  private static boolean isRecordedIn(
      LedgerEntry entry, Instant from, Instant to, boolean toInclusive) {
    Instant at = entry.timestamp();
    return (from == null || !at.isBefore(from))
        && (to == null || at.isBefore(to) || (toInclusive && at.equals(to)));
  }

  private Future<LedgerPage> scan(
      String tenant,
      String start,
      String end,
      Predicate<LedgerEntry> selected,
      int limit,
      List<LedgerEntry> matches,
      int scanned) {
    int batch = Math.min(MAX_PAGE_SIZE, limit - matches.size() + 100);
    return read(tenant, start, end, batch)
        .compose(
            entries -> {
              String last = null;
              for (LedgerEntry entry : entries) {
                last = entry.id();
                if (selected.test(entry)) {
                  matches.add(entry);
                  if (matches.size() == limit) {
                    return Future.succeededFuture(new LedgerPage(matches, entry.id()));
                  }
                }
              }
              int total = scanned + entries.size();
              if (entries.size() < batch) {
                return Future.succeededFuture(new LedgerPage(matches, null));
              }
              if (total >= MAX_SCAN_PER_PAGE) {
                return Future.succeededFuture(new LedgerPage(matches, last));
              }
              return scan(tenant, "(" + last, end, selected, limit, matches, total);
            });
  }

  /** Reads entries with ids in [start, end] (Redis XRANGE syntax), at most {@code count}. */
  Future<List<LedgerEntry>> read(String tenant, String start, String end, int count) {
    Request xrange =
        Request.cmd(Command.XRANGE).arg(key(tenant)).arg(start).arg(end).arg("COUNT").arg(count);
    return redis.send(key(tenant), xrange).map(Ledger::entries);
  }

  /**
   * Feeds every entry up to and including {@code lastId} to {@code sink}, oldest first: the
   * archived ones (if there is an archive), then those still in the stream.
   */
  public Future<Long> replay(String tenant, String lastId, Consumer<LedgerEntry> sink) {
    if (archive == null) {
      return replayFrom(tenant, "-", lastId, sink, 0);
    }
    long[] archived = new long[1];
    return archive
        .replay(
            tenant,
            entry -> {
              archived[0]++;
              sink.accept(entry);
            })
        .compose(
            last -> replayFrom(tenant, last == null ? "-" : "(" + last, lastId, sink, archived[0]));
  }

  /**
   * Feeds every entry of {@code tenant} recorded ({@link LedgerEntry#timestamp}) in {@code [from,
   * to)} to {@code sink}, in stream id order: the archived ones whose segments overlap the range
   * (if there is an archive), then those still in the stream; completes with how many were fed.
   *
   * @return a future failed with {@code REPORT_TOO_LARGE} once more than {@code maxEntries} entries
   *     lie in the range, or more than twice that many lie within {@link #CLOCK_MARGIN} of it (the
   *     entries read to find them), so a caller's work stays bounded
   */
  public Future<Long> scan(
      String tenant, Instant from, Instant to, long maxEntries, Consumer<LedgerEntry> sink) {
    long[] counts = new long[2];
    Consumer<LedgerEntry> bounded =
        entry -> {
          if (++counts[0] > 2 * maxEntries) {
            throw tooLarge(2 * maxEntries, from, to, WIDENED);
          }
          if (isRecordedIn(entry, from, to, false)) {
            if (++counts[1] > maxEntries) {
              throw tooLarge(maxEntries, from, to, "");
            }
            sink.accept(entry);
          }
        };
    IdRange range = IdRange.covering(from, to);
    Future<String> archived =
        archive == null ? Future.succeededFuture(null) : archive.replay(tenant, range, bounded);
    return archived
        .compose(
            last -> {
              IdRange rest = last == null ? range : range.after(last);
              return replayFrom(tenant, rest.start(), rest.end(), bounded, 0);
            })
        .map(ignored -> counts[1]);
  }

  private static GovernorException tooLarge(long max, Instant from, Instant to, String widened) {
    return new GovernorException(
        ErrorCode.REPORT_TOO_LARGE,
        "more than "
            + max
            + " ledger entries lie between "
            + from
            + " and "
            + to
            + widened
            + "; ask for a shorter range",
        Map.of("max_entries", max));
  }

  private Future<Long> replayFrom(
      String tenant, String start, String lastId, Consumer<LedgerEntry> sink, long count) {
    return read(tenant, start, lastId, MAX_PAGE_SIZE)
        .compose(
            entries -> {
              entries.forEach(sink);
              long total = count + entries.size();
              if (entries.size() < MAX_PAGE_SIZE) {
                return Future.succeededFuture(total);
              }
              String next = "(" + entries.get(entries.size() - 1).id();
              return replayFrom(tenant, next, lastId, sink, total);
            });
  }

  private static List<LedgerEntry> entries(Response reply) {
    List<LedgerEntry> entries = new ArrayList<>(reply.size());
    for (Response item : reply) {
      Response fields = item.get(1);
      Map<String, String> map = new HashMap<>();
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        map.put(fields.get(i).toString(), fields.get(i + 1).toString());
      }
      entries.add(LedgerEntry.fromFields(item.get(0).toString(), map));
    }
    return entries;
  }
}
