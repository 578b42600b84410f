package com.infrafabric.chassis.mcp;

import com.infrafabric.llm.Cancellation;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code tools/call} requests this node is running, so a client can cancel one with {@code
 * notifications/cancelled}. A call is known by the agent that sent it, its session and its JSON-RPC
 * id, all three: one agent cannot cancel another's call, nor one session another session's,
 * whatever id it names. A cancel naming no call running here (unknown, finished, or running on
 * another node) does nothing, as MCP specifies.
 *
 * <p>At most {@value #MAX_CALLS} calls are known at once; a call beyond runs as usual and ends when
 * its connection closes, but no notification finds it. A second call under an id its session is
 * already running is not known either: the id names the first. Thread-safe.
 */
final class InFlightCalls {

  static final int MAX_CALLS = 10_000;

  private final Map<Key, Cancellation> running = new ConcurrentHashMap<>();

  /** One call: the agent, the session and the request id (a number or a string, as sent). */
  private record Key(McpSessions.Owner owner, String session, Object requestId) {
    Key {
      // 7 and 7L are one JSON id.
      requestId = requestId instanceof Number number ? (Object) number.longValue() : requestId;
    }
  }

  /**
   * Knows the call {@code requestId} of {@code session} by {@code cancellation} until {@link
   * #ended}, within the bound (checked before adding, so concurrent calls may pass it by a few).
   */
  void started(
      McpSessions.Owner owner, String session, Object requestId, Cancellation cancellation) {
    if (running.size() < MAX_CALLS) {
      running.putIfAbsent(new Key(owner, session, requestId), cancellation);
    }
  }

  /** Forgets the call, if {@code cancellation} is what it is known by (else it was never known). */
  void ended(McpSessions.Owner owner, String session, Object requestId, Cancellation cancellation) {
    running.remove(new Key(owner, session, requestId), cancellation);
  }

  /**
   * Cancels the call {@code requestId} of {@code owner}'s {@code session}, if one runs here; {@code
   * requestId} is a notification's {@code params.requestId}, of any JSON type.
   */
  void cancel(McpSessions.Owner owner, String session, Object requestId) {
    if (!(requestId instanceof String
        || requestId instanceof Integer
        || requestId instanceof Long)) {
      return;
    }
    Cancellation call = running.get(new Key(owner, session, requestId));
    if (call != null) {
      call.cancel();
    }
  }
}
