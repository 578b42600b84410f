package com.infrafabric.chassis.mcp;

import com.infrafabric.llm.Cancellation;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code tools/call} requests this node is running, so a client can cancel one with {@code
 * notifications/cancelled}, the end of its session cancels them all, and each keeps its session
 * held ({@link McpSessions.Hold}) while it runs. A call is known by the agent that sent it, its
 * session and its JSON-RPC id, all three: one agent cannot cancel another's call, nor one session
 * another session's, whatever id it names. A cancel naming no call running here (unknown, finished,
 * or running on another node) does nothing, as MCP specifies.
 *
 * <p>A request id names one request of its session while that request runs (JSON-RPC, and MCP: the
 * requestor must not reuse an id in the session): a second call under the id of a call its session
 * is running here is refused ({@link Start#DUPLICATE}), since a cancel naming that id could then
 * stop only one of them.
 *
 * <p>At most {@value #MAX_CALLS} calls are known at once; a call beyond runs as usual and ends when
 * its connection closes, but neither a notification nor its session's end finds it, and its id is
 * not checked. Thread-safe.
 */
final class InFlightCalls {

  static final int MAX_CALLS = 10_000;

  private final Map<Key, Call> running = new ConcurrentHashMap<>();

  /** One call: the agent, the session and the request id (a number or a string, as sent). */
  private record Key(McpSessions.Owner owner, String session, Object requestId) {
    Key {
      // 7 and 7L are one JSON id.
      requestId = requestId instanceof Number number ? (Object) number.longValue() : requestId;
    }

    Key(McpSessions.Hold hold, Object requestId) {
      this(hold.owner(), hold.session(), requestId);
    }

    boolean belongsTo(McpSessions.Owner owner, String session) {
      return this.owner.equals(owner) && this.session.equals(session);
    }
  }

  /** A running call: what holds its session, and what cancels it. */
  private record Call(McpSessions.Hold hold, Cancellation cancellation) {}

  /** Whether a call became known. */
  enum Start {
    /** Known until it ends. */
    KNOWN,
    /** Its session is running a call under its id here: it must not run. */
    DUPLICATE,
    /** Beyond the bound: it runs unknown. */
    UNKNOWN
  }

  /**
   * Knows the call {@code requestId} of the session {@code hold} holds by {@code cancellation}
   * until {@link #ended}, unless its session runs a call under that id already, within the bound
   * (checked before adding, so concurrent calls may pass it by a few).
   */
  Start started(McpSessions.Hold hold, Object requestId, Cancellation cancellation) {
    if (running.size() >= MAX_CALLS) {
      return Start.UNKNOWN;
    }
    Call prior = running.putIfAbsent(new Key(hold, requestId), new Call(hold, cancellation));
    return prior == null ? Start.KNOWN : Start.DUPLICATE;
  }

  /** Forgets the call, if {@code cancellation} is what it is known by (else it was never known). */
  void ended(McpSessions.Hold hold, Object requestId, Cancellation cancellation) {
    running.remove(new Key(hold, requestId), new Call(hold, cancellation));
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
    Call call = running.get(new Key(owner, session, requestId));
    if (call != null) {
      call.cancellation().cancel();
    }
  }

  /** Cancels every call of {@code owner}'s {@code session} running here: the session ended. */
  void cancelSession(McpSessions.Owner owner, String session) {
    running.forEach(
        (key, call) -> {
          if (key.belongsTo(owner, session)) {
            call.cancellation().cancel();
          }
        });
  }

  /** What holds the sessions of the calls running here, for their node to renew. */
  List<McpSessions.Hold> holds() {
    return running.values().stream().map(Call::hold).toList();
  }
}
