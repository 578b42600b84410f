package com.infrafabric.governor.registry;

import java.util.List;
import java.util.Optional;

/**
 * One page of a tenant's agents, in id order.
 *
 * @param agents at most the page's limit; fewer when agents of the page were removed meanwhile
 * @param nextCursor the id to continue after when more may follow, empty on the last page
 */
public record AgentPage(List<Agent> agents, Optional<String> nextCursor) {

  public AgentPage {
    agents = List.copyOf(agents);
  }
}
