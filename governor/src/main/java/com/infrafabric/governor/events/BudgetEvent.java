package com.infrafabric.governor.events;

import java.util.Map;

/**
 * One event of a tenant's events stream: a threshold crossed, a cap reached, an escalation.
 *
 * @param id the stream id (also the paging cursor and the webhook delivery id)
 * @param tenant the tenant whose stream holds it
 * @param fields the event's fields ({@code type}, {@code scope}, {@code window}, ...)
 */
public record BudgetEvent(String id, String tenant, Map<String, String> fields) {

  public BudgetEvent {
    fields = Map.copyOf(fields);
  }

  public String type() {
    return fields.getOrDefault("type", "");
  }
}
