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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads a tenant's ledger: the Redis stream every budget script appends to. Entries are ordered by
 * stream id, whose time part is when Redis appended them.
 */
public final class Ledger {

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
   * Reads up to {@code limit} entries of {@code tenant} appended in {@code [from, to]} (either may
   * be null for no bound), restricted to {@code within} and its subtree if given, after {@code
   * cursor} if given. With an archive, the archived entries come first and the page continues into
   * the stream after the newest of them, so one cursor walks the whole history.
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
    String start =
        cursor != null ? "(" + cursor : from == null ? "-" : Long.toString(from.toEpochMilli());
    String end = to == null ? "+" : Long.toString(to.toEpochMilli());
    IdRange range = new IdRange(start, end);
    if (archive == null) {
      return scan(tenant, start, end, within, limit, new ArrayList<>(), 0);
    }
    return archive
        .page(tenant, range, entry -> isWithin(entry, within), limit, MAX_SCAN_PER_PAGE)
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
              return scan(tenant, rest.start(), end, within, limit, matches, 0);
            });
  }

  private static boolean isWithin(LedgerEntry entry, Scope within) {
    return within == null || Scope.parse(entry.scope()).isWithin(within);
  }

  private Future<LedgerPage> scan(
      String tenant,
      String start,
      String end,
      Scope within,
      int limit,
      List<LedgerEntry> matches,
      int scanned) {
    int batch = Math.min(MAX_PAGE_SIZE, limit - matches.size() + (within == null ? 0 : 100));
    return read(tenant, start, end, batch)
        .compose(
            entries -> {
              String last = null;
              for (LedgerEntry entry : entries) {
                last = entry.id();
                if (isWithin(entry, within)) {
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
              return scan(tenant, "(" + last, end, within, limit, matches, total);
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
   * Feeds every entry of {@code tenant} appended in {@code [from, to)} to {@code sink}, oldest
   * first: the archived ones whose segments overlap the range (if there is an archive), then those
   * still in the stream; completes with how many were fed.
   *
   * @return a future failed with {@code REPORT_TOO_LARGE} once more than {@code maxEntries} entries
   *     lie in the range, so a caller's work stays bounded
   */
  public Future<Long> scan(
      String tenant, Instant from, Instant to, long maxEntries, Consumer<LedgerEntry> sink) {
    long[] count = new long[1];
    Consumer<LedgerEntry> bounded =
        entry -> {
          if (++count[0] > maxEntries) {
            throw new GovernorException(
                ErrorCode.REPORT_TOO_LARGE,
                "more than "
                    + maxEntries
                    + " ledger entries lie between "
                    + from
                    + " and "
                    + to
                    + "; ask for a shorter range",
                Map.of("max_entries", maxEntries));
          }
          sink.accept(entry);
        };
    long end = to.toEpochMilli() - 1;
    Future<String> archived =
        archive == null
            ? Future.succeededFuture(null)
            : archive.replay(tenant, from.toEpochMilli(), to.toEpochMilli(), bounded);
    return archived
        .compose(
            last -> {
              String start =
                  last == null || LedgerArchive.compareIds(last, from.toEpochMilli() + "-0") < 0
                      ? Long.toString(from.toEpochMilli())
                      : "(" + last;
              return end < from.toEpochMilli()
                  ? Future.succeededFuture(0L)
                  : replayFrom(tenant, start, Long.toString(end), bounded, 0);
            })
        .map(ignored -> count[0]);
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
