package com.infrafabric.chassis.mcp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the MCP endpoint counts: {@code chassis.mcp.requests} per method and outcome (a bounded set
 * of tags: unknown methods count as {@code other}), their duration, sessions opened, refused and
 * ended to make room, and the open notification streams. Tool invocations are counted by the
 * chassis itself, the same meters as over REST.
 */
final class McpMetrics {

  private static final Set<String> METHODS =
      Set.of(
          "initialize",
          "ping",
          "tools/list",
          "tools/call",
          "notifications/initialized",
          "notifications/cancelled");

  private final MeterRegistry meters;
  private final Counter sessionsOpened;
  private final Counter sessionsRefused;
  private final Counter sessionsEnded;

  McpMetrics(MeterRegistry meters, Supplier<Number> openStreams) {
    this.meters = meters;
    this.sessionsOpened =
        Counter.builder("chassis.mcp.sessions.opened")
            .description("MCP sessions opened by initialize")
            .register(meters);
    this.sessionsRefused =
        Counter.builder("chassis.mcp.sessions.refused")
            .description("initialize refused because the agent has its maximum of live sessions")
            .register(meters);
    this.sessionsEnded =
        Counter.builder("chassis.mcp.sessions.ended")
            .description("Idle MCP sessions an initialize of their agent ended to make room")
            .register(meters);
    Gauge.builder("chassis.mcp.streams.open", openStreams)
        .description("Open MCP notification streams on this node")
        .strongReference(true)
        .register(meters);
  }

  /**
   * One JSON-RPC message handled.
   *
   * @param outcome {@code ok}, {@code tool_error} (a result with isError) or the JSON-RPC or HTTP
   *     error it was answered with
   */
  void request(String method, String outcome, Duration took) {
    String tag = METHODS.contains(method) ? method : "other";
    Counter.builder("chassis.mcp.requests")
        .description("MCP JSON-RPC messages by method and outcome")
        .tag("method", tag)
        .tag("outcome", outcome)
        .register(meters)
        .increment();
    Timer.builder("chassis.mcp.request.duration")
        .description("How long MCP messages took to answer, by method")
        .tag("method", tag)
        .register(meters)
        .record(took);
  }

  /** A session opened, having ended {@code idle} sessions of its agent to make room. */
  void sessionOpened(int idle) {
    sessionsOpened.increment();
    sessionsEnded.increment(idle);
  }

  void sessionRefused() {
    sessionsRefused.increment();
  }
}
