package com.infrafabric.governor.registry;

import java.util.List;
import java.util.Optional;

/**
 * One page of a tenant's agents, in id order.
 *
 * @param agents at most the page's limit; fewer only on the last page, or when agents of the page
 *     were removed between reading their ids and their records
 * @param nextCursor the id to continue after when more may follow, empty on the last page
 */
public record AgentPage(List<Agent> agents, Optional<String> nextCursor) {

  public AgentPage {
    agents = List.copyOf(agents);
  }
}
