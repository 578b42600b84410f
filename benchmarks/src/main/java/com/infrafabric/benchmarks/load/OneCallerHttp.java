package com.infrafabric.benchmarks.load;

import com.infrafabric.benchmarks.BenchmarkCall;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Reserve + commit over HTTP with one caller, one pair at a time (closed loop), against the
 * governor configured as production runs it ({@link GovernorUnderLoad}): the HTTP side of the "HTTP
 * vs in process" ratio, whose in-process side is the engine's one-thread reserve + commit ({@code
 * RatioGuard}).
 */
public final class OneCallerHttp {

  private OneCallerHttp() {}

  /** The p99 of reserve + commit pairs over HTTP, in microseconds, after {@code warmup}. */
  public static double p99Micros(Duration warmup, Duration measure) {
    try (GovernorUnderLoad governor = GovernorUnderLoad.start(Clock.systemUTC());
        LoadClient client = LoadClient.connect(governor.port(), 1, 16)) {
      governor.emptyStore();
      BenchmarkCall call = BenchmarkCall.TYPICAL;
      TenantSetup.provision(client, governor.admin(), governor.admin(TenantSetup.TENANT), call);
      String scope = TenantSetup.agentScope(0);
      HttpChargePath path =
          new HttpChargePath(
              client,
              call,
              List.of(HttpChargePath.agent(governor.agent("agent-0", scope), scope, call)));
      PhaseResult result = new ClosedLoop(client.context(), path).run("http", 1, warmup, measure);
      if (result.failed() > 0 || result.completed() == 0) {
        throw new IllegalStateException("the HTTP charge path failed: " + result.firstFailure());
      }
      return result.latency().p99Millis() * 1000;
    }
  }
}
