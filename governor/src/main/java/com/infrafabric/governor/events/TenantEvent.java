package com.infrafabric.governor.events;

import java.util.Map;
import java.util.Objects;

/**
 * One event of a tenant's event streams: a threshold crossed, a cap reached (the budget stream), an
 * escalation or a breaker move (the claims stream).
 *
 * @param id the stream id (also the paging cursor of its stream)
 * @param tenant the tenant whose stream holds it
 * @param stream the stream that holds it
 * @param fields the event's fields ({@code type}, {@code scope}, {@code window}, ...)
 */
public record TenantEvent(
    String id, String tenant, EventStream stream, Map<String, String> fields) {

  public TenantEvent {
    Objects.requireNonNull(stream, "stream");
    fields = Map.copyOf(fields);
  }

  public String type() {
    return fields.getOrDefault("type", "");
  }

  /**
   * The id a webhook receiver deduplicates by: the stream's name and the event's id, since the two
   * streams can give two events the same id.
   */
  public String deliveryId() {
    return stream.wireName() + ':' + id;
  }
}
