package com.infrafabric.governor.tenant;

import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks the set of known tenants a page at a time ({@code SSCAN}), wrapping around at the end, so
 * that background work (sweeping reservations, delivering webhooks) visits every tenant with
 * bounded work per step. Not thread-safe: one background loop owns a cursor.
 */
public final class TenantCursor {

  private final RedisStore redis;
  private final int pageSize;
  private String cursor = "0";

  public TenantCursor(RedisStore redis, int pageSize) {
    this.redis = redis;
    this.pageSize = pageSize;
  }

  /** True once the pages so far covered the whole set: the next page starts it again. */
  public boolean atEnd() {
    return cursor.equals("0");
  }

  /** The next page of tenants (possibly empty; the set is visited again from the start). */
  public Future<List<String>> next() {
    Request scan =
        Request.cmd(Command.SSCAN)
            .arg(TenantKeyNames.TENANTS)
            .arg(cursor)
            .arg("COUNT")
            .arg(pageSize);
    return redis
        .send(TenantKeyNames.TENANTS, scan)
        .map(
            page -> {
              cursor = page.get(0).toString();
              List<String> tenants = new ArrayList<>();
              page.get(1).forEach(tenant -> tenants.add(tenant.toString()));
              return tenants;
            });
  }
}
