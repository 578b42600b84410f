package com.infrafabric.chassis.mcp;

import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.http.AgentTokens;
import com.infrafabric.platform.auth.Principal;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The notification streams open on this node ({@code GET /mcp}, server-sent events), at most one
 * per session and {@code max} in all. A change to the registered tools is sent as {@code
 * notifications/tools/list_changed} to every stream whose token grants one of the changed tools; a
 * comment every keep-alive interval keeps idle proxies from closing a quiet stream. Thread-safe.
 */
final class McpStreams {

  static final String LIST_CHANGED = "notifications/tools/list_changed";

  private final int max;
  private final Map<String, Stream> open = new ConcurrentHashMap<>();

  /** An open stream of the session {@code sessionId}, for the caller whose token opened it. */
  record Stream(
      String sessionId, McpSessions.Owner owner, Principal caller, HttpServerResponse response) {

    void send(JsonObject message) {
      if (!response.closed()) {
        response.write("event: message\ndata: " + message.encode() + "\n\n");
      }
    }

    void comment(String text) {
      if (!response.closed()) {
        response.write(": " + text + "\n\n");
      }
    }
  }

  McpStreams(int max) {
    this.max = max;
  }

  /**
   * Whether another stream may open for {@code owner}'s session {@code sessionId}: the session has
   * none open here, the node's bound is not reached, and the owner's tenant holds less than half of
   * it, so one tenant's streams never fill the places the others share.
   */
  Admission admit(String sessionId, McpSessions.Owner owner) {
    if (open.containsKey(sessionId)) {
      return Admission.SESSION_HAS_ONE;
    }
    if (open.size() >= max) {
      return Admission.FULL;
    }
    long tenants =
        open.values().stream().filter(s -> s.owner().tenant().equals(owner.tenant())).count();
    return tenants >= tenantShare() ? Admission.TENANT_SHARE_FULL : Admission.ADMITTED;
  }

  /** The most streams one tenant holds on this node: half the bound, and at least one. */
  int tenantShare() {
    return Math.max(1, max / 2);
  }

  enum Admission {
    ADMITTED,
    SESSION_HAS_ONE,
    TENANT_SHARE_FULL,
    FULL
  }

  /**
   * Lists {@code stream} until its connection closes; false, listing nothing, if it already has (a
   * client that left while its session was looked up), since no close would unlist it then.
   */
  boolean add(Stream stream) {
    if (stream.response().closed()) {
      return false;
    }
    open.put(stream.sessionId(), stream);
    stream.response().closeHandler(closed -> open.remove(stream.sessionId(), stream));
    return true;
  }

  /** Ends the stream of a session that ended. */
  void end(String sessionId) {
    Stream stream = open.remove(sessionId);
    if (stream != null && !stream.response().closed()) {
      stream.response().end();
    }
  }

  /** Tells every stream whose token grants one of {@code changed} that the tool list changed. */
  void toolsChanged(Set<ToolRef> changed) {
    JsonObject notification = JsonRpc.notification(LIST_CHANGED);
    for (Stream stream : open.values()) {
      if (changed.stream().anyMatch(ref -> AgentTokens.grants(stream.caller(), ref))) {
        stream.send(notification);
      }
    }
  }

  Collection<Stream> all() {
    return open.values();
  }

  int size() {
    return open.size();
  }

  /** Ends every stream: the service is stopping. */
  void endAll() {
    open.keySet().forEach(this::end);
  }
}
