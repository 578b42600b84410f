package com.infrafabric.benchmarks.load;

import io.vertx.core.Future;

/** One unit of load: started on the driving context, complete when its future is. */
@FunctionalInterface
interface Operation {

  /** Starts the operation; the future must complete on the calling context. */
  Future<?> start();
}
