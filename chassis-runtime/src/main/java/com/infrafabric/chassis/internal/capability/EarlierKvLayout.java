package com.infrafabric.chassis.internal.capability;

import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Moves tools' key-value data written before namespaces shared their tenant's hash tag (one tag per
 * namespace, {@code {kv:<tenant>:<tool>:<kid in hex>}:data} and {@code :bytes}) into {@link
 * KvStore}'s layout, so an upgrade keeps every tool's data and counts it in its tenant's share. A
 * chassis runs it once when it starts, before it serves; a marker key records that the store holds
 * nothing of the earlier layout, so later starts cost one read.
 *
 * <p>Each namespace is read, adopted by the new layout in one script step (unless it already holds
 * data there: an earlier run adopted it and stopped before deleting), then its earlier keys are
 * deleted. A run that stops midway is finished by the next. Nodes of the earlier version must be
 * stopped first: what one of them writes after the move is not moved.
 */
public final class EarlierKvLayout {

  /** Set once the store holds nothing of the earlier layout. */
  static final String MARKER = "{kv}:layout";

  static final String MARKER_VALUE = "tenant-tag";

  private static final String DATA_SUFFIX = "}:data";
  private static final String PREFIX = "{kv:";

  private final RedisStore redis;
  private final KvStore store;

  public EarlierKvLayout(RedisStore redis, KvStore store) {
    this.redis = redis;
    this.store = store;
  }

  /** Moves every namespace of the earlier layout; the number moved. */
  public Future<Integer> adoptAll() {
    return redis
        .send(MARKER, Request.cmd(Command.GET).arg(MARKER))
        .compose(
            marker ->
                marker != null && MARKER_VALUE.equals(marker.toString())
                    ? Future.succeededFuture(0)
                    : adoptAndMark());
  }

  private Future<Integer> adoptAndMark() {
    int[] moved = {0};
    return redis
        .scan(PREFIX + "*" + DATA_SUFFIX, keys -> adoptPage(keys, moved))
        .compose(
            scanned -> redis.send(MARKER, Request.cmd(Command.SET).arg(MARKER).arg(MARKER_VALUE)))
        .map(marked -> moved[0]);
  }

  private Future<Void> adoptPage(List<String> keys, int[] moved) {
    Future<Void> chain = Future.succeededFuture();
    for (String key : keys) {
      Optional<KvStore.Namespace> namespace = namespaceOf(key);
      if (namespace.isPresent()) {
        chain =
            chain
                .compose(done -> adopt(key, namespace.get()))
                .map(
                    adopted -> {
                      moved[0]++;
                      return null;
                    });
      }
    }
    return chain;
  }

  private Future<Void> adopt(String data, KvStore.Namespace namespace) {
    String bytes = data.substring(0, data.length() - ":data".length()) + ":bytes";
    return redis
        .send(data, Request.cmd(Command.HGETALL).arg(data))
        .compose(entries -> store.adopt(namespace, flatten(entries)))
        .compose(adopted -> redis.send(data, Request.cmd(Command.DEL).arg(data).arg(bytes)))
        .mapEmpty();
  }

  /**
   * The namespace an earlier layout's data key names, if it is one: {@code {kv:<tenant>:<tool>:<kid
   * in hex>}:data}, three parts, the last hex.
   */
  static Optional<KvStore.Namespace> namespaceOf(String key) {
    if (!key.startsWith(PREFIX) || !key.endsWith(DATA_SUFFIX)) {
      return Optional.empty();
    }
    String[] parts =
        key.substring(PREFIX.length(), key.length() - DATA_SUFFIX.length()).split(":", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      return Optional.empty();
    }
    try {
      String publisher = new String(HexFormat.of().parseHex(parts[2]), StandardCharsets.UTF_8);
      return Optional.of(new KvStore.Namespace(parts[0], parts[1], publisher));
    } catch (IllegalArgumentException notHex) {
      return Optional.empty();
    }
  }

  /** An {@code HGETALL} reply's keys and values in turn (a map in RESP3, pairs in RESP2). */
  private static List<String> flatten(Response hash) {
    List<String> entries = new ArrayList<>();
    if (hash.isMap()) {
      for (String field : hash.getKeys()) {
        entries.add(field);
        entries.add(hash.get(field).toString());
      }
    } else {
      hash.forEach(item -> entries.add(item.toString()));
    }
    return entries;
  }
}
