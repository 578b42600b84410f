package com.infrafabric.platform.health;

import io.vertx.core.Future;

/**
 * One dependency a service needs before it can take traffic. Implementations do a real round trip
 * and must not block; the caller bounds them with a deadline, and a failed future counts as down.
 */
@FunctionalInterface
public interface ReadinessCheck {

  Future<CheckResult> check();
}
