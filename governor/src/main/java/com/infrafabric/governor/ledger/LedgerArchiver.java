package com.infrafabric.governor.ledger;

import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.UUID;

/**
 * One tenant's turn of the periodic ledger archive job: a node that wins the tenant's lease moves
 * the entries older than the age out of Redis ({@link LedgerArchive#archiveOlderThan}); a node that
 * does not leaves the tenant alone until the lease lapses. The lease ({@code SET NX PX}, one
 * interval long, per tenant) makes one node do a tenant's work per interval; two doing it at once
 * would still be safe (see {@link LedgerArchive}), only wasteful. The governor runs these turns on
 * its tenant-visiting loop, a page of tenants every interval. Thread-safe.
 */
public final class LedgerArchiver {

  private final RedisStore redis;
  private final LedgerArchive archive;
  private final Duration age;
  private final Duration lease;
  private final String node = "archiver-" + UUID.randomUUID();

  public LedgerArchiver(RedisStore redis, LedgerArchive archive, Duration age, Duration lease) {
    this.redis = redis;
    this.archive = archive;
    this.age = age;
    this.lease = lease;
  }

  /** Completes with how many entries moved: 0 if none was old enough or another node holds it. */
  public Future<Integer> archiveIfLeased(String tenant) {
    Request take =
        Request.cmd(Command.SET)
            .arg(Ledger.archiverLeaseKey(tenant))
            .arg(node)
            .arg("NX")
            .arg("PX")
            .arg(lease.toMillis());
    return redis
        .send(take)
        .compose(
            taken ->
                taken == null ? Future.succeededFuture(0) : archive.archiveOlderThan(tenant, age));
  }
}
