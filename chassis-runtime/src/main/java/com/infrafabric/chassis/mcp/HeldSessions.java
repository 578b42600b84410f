package com.infrafabric.chassis.mcp;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions this node's running calls ({@link InFlightCalls}) and open streams ({@link
 * McpStreams}) hold in Redis ({@link McpSessions.Hold}), so that no {@code initialize} ends them to
 * make room; and what this node does when it learns that a session ended, whichever node ended it:
 * it cancels the session's calls running here, as {@code notifications/cancelled} does, and ends
 * its stream here. It learns it when it ends the session itself, when a request or a hold finds the
 * session gone, and at the latest at the next {@link #renew}. Thread-safe.
 */
final class HeldSessions {

  private static final Logger LOG = LoggerFactory.getLogger(HeldSessions.class);

  private final McpSessions sessions;
  private final InFlightCalls calls;
  private final McpStreams streams;

  HeldSessions(McpSessions sessions, InFlightCalls calls, McpStreams streams) {
    this.sessions = sessions;
    this.calls = calls;
    this.streams = streams;
  }

  /**
   * Takes or renews {@code hold}; completes with whether its session is live, having ended what
   * this node runs of it if not.
   */
  Future<Boolean> hold(McpSessions.Hold hold) {
    return sessions
        .hold(hold)
        .onSuccess(
            live -> {
              if (!live) {
                ended(hold.owner(), hold.session());
              }
            })
        .onFailure(
            failure ->
                LOG.warn("cannot hold MCP session {}: {}", hold.session(), failure.toString()));
  }

  /**
   * Gives {@code hold} up once {@code held}, its taking, has answered: released before it was
   * taken, it would be taken again and last its lease.
   */
  void release(McpSessions.Hold hold, Future<Boolean> held) {
    held.onComplete(
        taken ->
            sessions
                .release(hold)
                .onFailure(
                    failure ->
                        LOG.warn(
                            "cannot release a hold on MCP session {} (it lapses with its lease):"
                                + " {}",
                            hold.session(),
                            failure.toString())));
  }

  /** Ends what this node runs of {@code owner}'s {@code session}, which ended. */
  void ended(McpSessions.Owner owner, String session) {
    calls.cancelSession(owner, session);
    streams.end(owner, session);
  }

  /**
   * Renews the hold of every call running and stream open here, sends each stream a keep-alive
   * comment, and ends what belongs to sessions found ended. A renewal that crosses its call's end
   * leaves a hold that lapses with its lease.
   */
  void renew() {
    for (McpStreams.Stream stream : streams.all()) {
      hold(stream.hold())
          .onSuccess(
              live -> {
                if (live) {
                  stream.comment("keep-alive");
                }
              });
    }
    calls.holds().forEach(this::hold);
  }
}
