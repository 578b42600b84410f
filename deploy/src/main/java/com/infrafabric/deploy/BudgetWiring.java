package com.infrafabric.deploy;

import com.infrafabric.chassis.llm.BudgetPort;
import com.infrafabric.governor.service.GovernorService;
import io.vertx.core.Vertx;
import java.util.Optional;

/**
 * How the chassis of a node reaches the budget of the governor beside it: asked once the governor
 * listens, before the chassis starts. Empty means no budget port, and then the chassis refuses to
 * start if model providers are configured.
 */
@FunctionalInterface
interface BudgetWiring {

  /** No budget port: for a chassis without model providers. */
  BudgetWiring NONE = (vertx, governor) -> Optional.empty();

  Optional<BudgetPort> connect(Vertx vertx, GovernorService governor);
}
