package com.infrafabric.chassis.mcp;

import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.http.AgentTokens;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.limit.TenantSlots;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The notification streams open on this node ({@code GET /mcp}, server-sent events), at most one
 * per session, on {@code max} {@link TenantSlots} (one tenant at most half; a tenant under its fair
 * share still opens one when two tenants hold half each, up to twice {@code max} in all). A change
 * to the registered tools is sent as {@code notifications/tools/list_changed} to every stream whose
 * token grants one of the changed tools; a comment every keep-alive interval keeps idle proxies
 * from closing a quiet stream. A stream ends with its session, and when the token that opened it
 * expires at the latest. Thread-safe.
 */
final class McpStreams {

  static final String LIST_CHANGED = "notifications/tools/list_changed";

  private final TenantSlots slots;
  private final Map<String, Stream> open = new ConcurrentHashMap<>();

  /**
   * An open stream of the session {@code hold} holds, for the caller whose token opened it (and
   * only until that token expires).
   */
  record Stream(McpSessions.Hold hold, Principal caller, HttpServerResponse response) {

    String sessionId() {
      return hold.session();
    }

    McpSessions.Owner owner() {
      return hold.owner();
    }

    void send(JsonObject message) {
      if (writable()) {
        response.write("event: message\ndata: " + message.encode() + "\n\n");
      }
    }

    void comment(String text) {
      if (writable()) {
        response.write(": " + text + "\n\n");
      }
    }

    /** Ends the stream; its client may open another. */
    void end() {
      if (writable()) {
        response.end();
      }
    }

    private boolean writable() {
      return !response.closed() && !response.ended();
    }
  }

  McpStreams(int max) {
    this.slots = new TenantSlots(max);
  }

  /** Whether a stream was opened, and why not. */
  enum Admission {
    ADMITTED,
    SESSION_HAS_ONE,
    TENANT_SHARE_FULL,
    FULL
  }

  /**
   * Lists {@code stream} if its session has none open here and its owner's tenant gets a slot, in
   * one step (two requests for one session cannot both open). The caller, which lists no stream of
   * a request already over (no end handler would run to unlist it), writes the stream's head before
   * it is listed, and {@link #close}s it when its response ends or its connection closes, which
   * gives its slot back.
   */
  synchronized Admission open(Stream stream) {
    if (open.containsKey(stream.sessionId())) {
      return Admission.SESSION_HAS_ONE;
    }
    TenantSlots.Decision decision = slots.take(stream.owner().tenant());
    if (decision == TenantSlots.Decision.FULL) {
      return Admission.FULL;
    }
    if (decision == TenantSlots.Decision.TENANT_SHARE) {
      return Admission.TENANT_SHARE_FULL;
    }
    open.put(stream.sessionId(), stream);
    return Admission.ADMITTED;
  }

  /** Unlists {@code stream}, which ended, and gives its slot back; once, however often called. */
  void close(Stream stream) {
    if (open.remove(stream.sessionId(), stream)) {
      slots.release(stream.owner().tenant());
    }
  }

  /** The most streams one tenant holds on this node: half the bound, and at least one. */
  int tenantShare() {
    return slots.tenantShare();
  }

  /** Ends the stream of {@code owner}'s {@code sessionId}, which ended, if one is open here. */
  void end(McpSessions.Owner owner, String sessionId) {
    Stream stream = open.get(sessionId);
    if (stream != null && stream.owner().equals(owner)) {
      stream.end();
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
    open.values().forEach(Stream::end);
  }
}
