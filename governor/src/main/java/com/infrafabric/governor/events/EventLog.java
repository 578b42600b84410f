package com.infrafabric.governor.events;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.platform.redis.RedisIds;
import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a tenant's event streams, which the scripts append to inside the same atomic step that
 * decided the event (so each threshold appears exactly once), each capped at about 100,000 events
 * (see {@link EventStream}).
 */
public final class EventLog {

  public static final int MAX_PAGE_SIZE = 1000;

  private final RedisStore redis;

  public EventLog(RedisStore redis) {
    this.redis = redis;
  }

  /**
   * Up to {@code limit} events of one stream after {@code cursor} (or from the oldest), oldest
   * first.
   */
  public Future<List<TenantEvent>> page(
      String tenant, EventStream stream, String cursor, int limit) {
    if (limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST, "limit " + limit + " is outside 1.." + MAX_PAGE_SIZE);
    }
    if (cursor != null && !RedisIds.isStreamCursor(cursor)) {
      throw new GovernorException(ErrorCode.INVALID_REQUEST, "cursor is not an event id");
    }
    Request xrange =
        Request.cmd(Command.XRANGE)
            .arg(stream.key(tenant))
            .arg(cursor == null ? "-" : "(" + cursor)
            .arg("+")
            .arg("COUNT")
            .arg(limit);
    return redis.send(stream.key(tenant), xrange).map(reply -> events(tenant, stream, reply));
  }

  /** Parses an XRANGE / XREADGROUP entry list of {@code stream}. */
  static List<TenantEvent> events(String tenant, EventStream stream, Response entries) {
    List<TenantEvent> events = new ArrayList<>();
    if (entries == null) {
      return events;
    }
    for (Response entry : entries) {
      Response fields = entry.get(1);
      Map<String, String> map = new LinkedHashMap<>();
      for (int i = 0; fields != null && i + 1 < fields.size(); i += 2) {
        map.put(fields.get(i).toString(), fields.get(i + 1).toString());
      }
      events.add(new TenantEvent(entry.get(0).toString(), tenant, stream, map));
    }
    return events;
  }
}
