package com.infrafabric.governor.ledger;

import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;
import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Keeps a tenant's ledger stream bounded: entries older than an age move to append-only segment
 * files, then leave Redis ({@code XTRIM MINID}); {@link Ledger#replay} reads the segments before
 * the stream, so reconciliation sees the whole history.
 *
 * <p>A segment is {@code <root>/<tenant>/<first id>_<last id>.jsonl.gz}: one JSON object per entry
 * ({@code {"id": ..., "fields": {...}}}, exactly the stream's fields), gzip-compressed, beside a
 * {@code .sha256} file holding the hex SHA-256 of the compressed bytes. A segment is written under
 * a temporary name, forced to disk, checksummed and renamed before the stream is trimmed: a crash
 * leaves either no segment (nothing was trimmed) or a segment whose entries may still be in the
 * stream too, which replay skips by id. Segments are never rewritten. A segment whose checksum does
 * not match fails the replay that reads it, naming the file. The rename is made durable by forcing
 * the directory too, so a segment that survived a crash is complete.
 *
 * <p>Two archivers of one tenant at once are safe, only wasteful: each trims only what it has
 * itself written durably, and readers skip an entry whose id they have already passed, so segments
 * that overlap read as one history. {@link LedgerArchiver} takes a lease per tenant so that
 * normally one node does the work.
 *
 * <p>File work runs on Vert.x worker threads, never on the event loop.
 */
public final class LedgerArchive {

  static final String SUFFIX = ".jsonl.gz";

  /** A segment the archive cannot read as written: the operator restores it from a backup. */
  public static final ErrorCode ARCHIVE_UNREADABLE =
      new ErrorCode("LEDGER_ARCHIVE_UNREADABLE", 500);

  /** A segment's bytes differ from those its checksum file was written for. */
  private static final class ChecksumMismatch extends IOException {
    private static final long serialVersionUID = 1L;
  }

  /** Entries one call moves at most; a backlog takes several calls, each a segment of its own. */
  static final int MAX_SEGMENT_ENTRIES = 100_000;

  private static final int BATCH = Ledger.MAX_PAGE_SIZE;

  private final Vertx vertx;
  private final RedisStore redis;
  private final Path root;
  private final Clock clock;

  /**
   * Segments whose checksum matched, as they were then (size and modification time): segments are
   * never rewritten, so each is checksummed once per process instead of on every page read.
   */
  private final Set<SegmentVersion> verified = ConcurrentHashMap.newKeySet();

  private record SegmentVersion(Path segment, long size, FileTime modified) {
    static SegmentVersion of(Path segment) throws IOException {
      return new SegmentVersion(segment, Files.size(segment), Files.getLastModifiedTime(segment));
    }
  }

  public LedgerArchive(Vertx vertx, RedisStore redis, Path root, Clock clock) {
    this.vertx = vertx;
    this.redis = redis;
    this.root = root;
    this.clock = clock;
  }

  /**
   * Moves {@code tenant}'s entries appended more than {@code age} ago (at most {@value
   * #MAX_SEGMENT_ENTRIES}) into one new segment and trims them from the stream; completes with how
   * many moved (0: nothing was old enough).
   */
  public Future<Integer> archiveOlderThan(String tenant, Duration age) {
    String cutoff = Long.toString(clock.instant().minus(age).toEpochMilli() - 1);
    return vertx
        .executeBlocking(() -> lastArchivedId(tenant))
        .compose(
            last -> collect(tenant, last == null ? "-" : "(" + last, cutoff, new ArrayList<>()))
        .compose(entries -> entries.isEmpty() ? Future.succeededFuture(0) : store(tenant, entries));
  }

  /**
   * Feeds every archived entry of {@code tenant}, oldest first, to {@code sink}; completes with the
   * id of the last one, or null if nothing is archived.
   *
   * @throws ApiException (failing the future) {@link #ARCHIVE_UNREADABLE} if a segment cannot be
   *     read or does not match its checksum
   */
  public Future<String> replay(String tenant, Consumer<LedgerEntry> sink) {
    return vertx.executeBlocking(
        () -> {
          Ascending ascending = new Ascending(sink);
          for (Path segment : segments(tenant)) {
            read(segment, ascending);
          }
          return ascending.last;
        });
  }

  /**
   * Feeds the archived entries of {@code tenant} with ids in {@code range}, oldest first, to {@code
   * sink}, reading only the segments that overlap it; completes with the id of the newest archived
   * entry, or null if nothing is archived (the stream holds everything after it).
   *
   * @throws ApiException (failing the future) as {@link #replay(String, Consumer)}
   */
  Future<String> replay(String tenant, IdRange range, Consumer<LedgerEntry> sink) {
    return vertx.executeBlocking(
        () -> {
          Ascending ascending =
              new Ascending(
                  entry -> {
                    if (range.contains(entry.id())) {
                      sink.accept(entry);
                    }
                  });
          for (Path segment : segments(tenant)) {
            if (!range.isBelow(lastId(segment)) && !range.isAbove(firstId(segment))) {
              read(segment, ascending);
            }
          }
          return lastArchivedId(tenant);
        });
  }

  /**
   * Up to {@code limit} archived entries of {@code tenant} in {@code range} that {@code filter}
   * accepts, oldest first. Segments that end before the range are skipped by their names, and
   * reading stops at the range's end, once {@code limit} entries matched, or once {@code
   * maxScanned} entries in the range were examined (a sparse filter cannot read the whole archive
   * for one page); then {@link ArchivedPage#scannedTo} says where the next page resumes.
   */
  Future<ArchivedPage> page(
      String tenant, IdRange range, Predicate<LedgerEntry> filter, int limit, int maxScanned) {
    return vertx.executeBlocking(
        () -> {
          List<LedgerEntry> matches = new ArrayList<>();
          String[] scannedTo = new String[1];
          int[] scanned = new int[1];
          Ascending ascending =
              new Ascending(
                  entry -> {
                    if (range.contains(entry.id())) {
                      scanned[0]++;
                      scannedTo[0] = entry.id();
                      if (filter.test(entry)) {
                        matches.add(entry);
                      }
                    }
                  });
          BooleanSupplier enough = () -> matches.size() >= limit || scanned[0] >= maxScanned;
          List<Path> segments = segments(tenant);
          for (Path segment : segments) {
            if (enough.getAsBoolean() || range.isAbove(firstId(segment))) {
              break;
            }
            if (!range.isBelow(lastId(segment))) {
              read(segment, ascending, enough);
            }
          }
          String newest = segments.isEmpty() ? null : lastId(segments.get(segments.size() - 1));
          boolean cut = matches.size() < limit && scanned[0] >= maxScanned;
          return new ArchivedPage(List.copyOf(matches), newest, cut ? scannedTo[0] : null);
        });
  }

  /**
   * A page read from the archive.
   *
   * @param entries the matching entries, oldest first
   * @param newestArchived the id of the newest archived entry of the tenant, where the stream takes
   *     over; null if nothing is archived
   * @param scannedTo the id of the last entry examined when the scan bound ended the page before it
   *     was full (the next page continues after it); null when it did not
   */
  record ArchivedPage(List<LedgerEntry> entries, String newestArchived, String scannedTo) {}

  /**
   * Passes entries on in ascending id order, dropping any whose id is not after the last one passed
   * (an entry two overlapping segments both hold is read once).
   */
  private static final class Ascending implements Consumer<LedgerEntry> {
    private final Consumer<LedgerEntry> sink;
    private String last;

    Ascending(Consumer<LedgerEntry> sink) {
      this.sink = sink;
    }

    @Override
    public void accept(LedgerEntry entry) {
      if (last == null || compareIds(entry.id(), last) > 0) {
        last = entry.id();
        sink.accept(entry);
      }
    }
  }

  private Future<List<JsonObject>> collect(
      String tenant, String start, String cutoff, List<JsonObject> entries) {
    Request xrange =
        Request.cmd(Command.XRANGE)
            .arg(Ledger.key(tenant))
            .arg(start)
            .arg(cutoff)
            .arg("COUNT")
            .arg(BATCH);
    return redis
        .send(xrange)
        .compose(
            reply -> {
              reply.forEach(item -> entries.add(entry(item)));
              return reply.size() < BATCH || entries.size() >= MAX_SEGMENT_ENTRIES
                  ? Future.succeededFuture(entries)
                  : collect(
                      tenant,
                      "(" + entries.get(entries.size() - 1).getString("id"),
                      cutoff,
                      entries);
            });
  }

  private Future<Integer> store(String tenant, List<JsonObject> entries) {
    String last = entries.get(entries.size() - 1).getString("id");
    return vertx
        .executeBlocking(() -> write(tenant, entries))
        .compose(
            written ->
                redis.send(
                    Request.cmd(Command.XTRIM)
                        .arg(Ledger.key(tenant))
                        .arg("MINID")
                        .arg(after(last))))
        .map(trimmed -> entries.size());
  }

  private Path write(String tenant, List<JsonObject> entries) throws IOException {
    Path directory = Files.createDirectories(root.resolve(tenant));
    String name =
        entries.get(0).getString("id") + "_" + entries.get(entries.size() - 1).getString("id");
    Path temporary = directory.resolve(name + SUFFIX + ".tmp");
    try (OutputStream file = Files.newOutputStream(temporary);
        Writer out = new OutputStreamWriter(new GZIPOutputStream(file), StandardCharsets.UTF_8)) {
      for (JsonObject entry : entries) {
        out.write(entry.encode());
        out.write('\n');
      }
    }
    force(temporary);
    Path segment = directory.resolve(name + SUFFIX);
    Files.writeString(checksumFile(segment), sha256(temporary) + "\n");
    force(checksumFile(segment));
    Files.move(temporary, segment, StandardCopyOption.ATOMIC_MOVE);
    forceDirectory(directory);
    return segment;
  }

  private void read(Path segment, Consumer<LedgerEntry> sink) {
    read(segment, sink, () -> false);
  }

  /**
   * Checks the segment against its checksum before reading a byte of it as entries, then feeds them
   * to {@code sink} until the segment ends or {@code enough} says so.
   */
  private void read(Path segment, Consumer<LedgerEntry> sink, BooleanSupplier enough) {
    try {
      verify(segment);
      try (BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(
                  new GZIPInputStream(Files.newInputStream(segment)), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine();
            line != null && !enough.getAsBoolean();
            line = lines.readLine()) {
          JsonObject entry = new JsonObject(line);
          sink.accept(
              LedgerEntry.fromFields(entry.getString("id"), fields(entry.getJsonObject("fields"))));
        }
      }
    } catch (IOException | DecodeException | ClassCastException | NullPointerException bad) {
      throw unreadable(segment, bad);
    }
  }

  /**
   * The answer to a read of a segment that cannot be read as it was written (changed on disk since,
   * truncated, not there): a stable code naming the segment, so the operator knows which file to
   * restore, where a generic 500 named it only in the log. Its reason, not its path, is not shown.
   */
  private ApiException unreadable(Path segment, Exception why) {
    return ApiException.of(
        ARCHIVE_UNREADABLE,
        "the ledger archive segment "
            + root.relativize(segment)
            + " cannot be read ("
            + (why instanceof ChecksumMismatch ? "it does not match its checksum" : "it is damaged")
            + "); restore it from a backup");
  }

  /**
   * Checks the segment against its checksum unless this version of it was checked before.
   *
   * @throws IOException if it does not match
   */
  private void verify(Path segment) throws IOException {
    SegmentVersion version = SegmentVersion.of(segment);
    if (verified.contains(version)) {
      return;
    }
    String expected = Files.readString(checksumFile(segment)).strip();
    if (!sha256(segment).equals(expected)) {
      throw new ChecksumMismatch();
    }
    verified.add(version);
  }

  /** The id of the newest archived entry of {@code tenant}, or null. */
  String lastArchivedId(String tenant) throws IOException {
    List<Path> segments = segments(tenant);
    if (segments.isEmpty()) {
      return null;
    }
    return lastId(segments.get(segments.size() - 1));
  }

  /** The tenant's segments, oldest first (their names start with their first entry's id). */
  private List<Path> segments(String tenant) throws IOException {
    Path directory = root.resolve(tenant);
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(SUFFIX))
          .sorted((a, b) -> compareIds(firstId(a), firstId(b)))
          .toList();
    }
  }

  private static String firstId(Path segment) {
    String name = segment.getFileName().toString();
    return name.substring(0, name.indexOf('_'));
  }

  private static String lastId(Path segment) {
    String name = segment.getFileName().toString();
    return name.substring(name.indexOf('_') + 1, name.length() - SUFFIX.length());
  }

  /** Stream ids compare by time, then sequence, as numbers. */
  public static int compareIds(String a, String b) {
    long[] x = parts(a);
    long[] y = parts(b);
    return x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]);
  }

  /** The smallest stream id after {@code id}. */
  static String after(String id) {
    long[] p = parts(id);
    return p[0] + "-" + (p[1] + 1);
  }

  static long[] parts(String id) {
    int dash = id.indexOf('-');
    return new long[] {
      Long.parseUnsignedLong(id.substring(0, dash)), Long.parseUnsignedLong(id.substring(dash + 1))
    };
  }

  private static JsonObject entry(Response item) {
    Response fields = item.get(1);
    JsonObject map = new JsonObject(new LinkedHashMap<>());
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      map.put(fields.get(i).toString(), fields.get(i + 1).toString());
    }
    return new JsonObject().put("id", item.get(0).toString()).put("fields", map);
  }

  private static Map<String, String> fields(JsonObject json) {
    Map<String, String> fields = new LinkedHashMap<>();
    json.forEach(field -> fields.put(field.getKey(), String.valueOf(field.getValue())));
    return fields;
  }

  private static Path checksumFile(Path segment) {
    return segment.resolveSibling(segment.getFileName() + ".sha256");
  }

  private static void force(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  /** Makes the directory's entries (a rename into it) durable, as fsync on the directory does. */
  private static void forceDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest = sha256();
    try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }
}
