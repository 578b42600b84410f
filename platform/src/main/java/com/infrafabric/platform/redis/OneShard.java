package com.infrafabric.platform.redis;

import io.vertx.core.Future;
import java.util.List;

/** A standalone server or a Sentinel group's master: every key lives on it. */
final class OneShard implements Shards {

  private final Shard shard;

  OneShard(Shard shard) {
    this.shard = shard;
  }

  @Override
  public Future<Shard> route(String key) {
    return Future.succeededFuture(shard);
  }

  @Override
  public Future<List<Shard>> masters() {
    return Future.succeededFuture(List.of(shard));
  }

  @Override
  public List<Shard> known() {
    return List.of(shard);
  }

  /** A server that is not in a cluster never redirects; if one does, there is nowhere else. */
  @Override
  public Shard redirected(Redirect redirect) {
    return shard;
  }

  @Override
  public void unreachable(Shard unreachable) {
    // The Sentinel client asks the Sentinels for the master with each new connection.
  }

  @Override
  public void close() {
    shard.close();
  }
}
