package com.infrafabric.platform.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Which master serves which key: the one server of a standalone or Sentinel endpoint, or the master
 * of the key's hash slot in a cluster. Thread-safe.
 */
sealed interface Shards extends AutoCloseable permits OneShard, ClusterShards {

  static Shards create(Vertx vertx, RedisSettings settings) {
    return switch (settings.endpoint().topology()) {
      case STANDALONE ->
          new OneShard(Shard.at(vertx, settings, settings.endpoint().addresses().get(0)));
      case SENTINEL -> new OneShard(Shard.sentinelMaster(vertx, settings));
      case CLUSTER -> new ClusterShards(vertx, settings);
    };
  }

  /** The master that serves {@code key}; when {@code key} is null, the master of slot 0. */
  Future<Shard> route(String key);

  /** Every master: the commands each of them must see go to all ({@code SCRIPT LOAD}). */
  Future<List<Shard>> masters();

  /**
   * The masters known now, without asking any server (empty while a cluster's slot map has not been
   * read): what a background task may look at without taking a request's connection.
   */
  List<Shard> known();

  /**
   * The master a {@code MOVED} or {@code ASK} reply names. A {@code MOVED} is remembered (the slot
   * has a new master) and the whole slot map read again.
   */
  Shard redirected(Redirect redirect);

  /** A command on {@code shard} got no answer: its master may have failed over. */
  void unreachable(Shard shard);

  @Override
  void close();
}
