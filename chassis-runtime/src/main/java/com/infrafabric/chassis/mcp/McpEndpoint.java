package com.infrafabric.chassis.mcp;

import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.http.AgentTokens;
import com.infrafabric.chassis.http.InvocationRoutes;
import com.infrafabric.chassis.http.LiveInvocations;
import com.infrafabric.chassis.mcp.JsonRpc.Reply;
import com.infrafabric.llm.Cancellation;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;
import com.infrafabric.platform.http.Excerpt;
import com.infrafabric.platform.http.Requests;
import com.infrafabric.platform.http.StrictJson;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * The Streamable HTTP transport of MCP (2025-11-25, also speaking 2025-06-18 and 2025-03-26) on
 * {@value #PATH}: every client message is one JSON-RPC message in a {@code POST}, answered with
 * {@code application/json} (a response) or 202 (a notification); {@code GET} opens the session's
 * stream of server notifications (server-sent events); {@code DELETE} ends the session. {@code
 * initialize} opens a session and answers its {@code Mcp-Session-Id}, which every later message
 * carries: without it 400, with an id this agent has no live session under 404 (the client then
 * initializes again, as the transport specifies).
 *
 * <p>The platform has already authenticated the bearer token (401 with the protected-resource
 * metadata otherwise), rate limited its subject, checked the {@code agent} role on a tenant token,
 * and bounded the body; this class bounds it again to the invocation input limit, reads it with the
 * strict JSON reader, and refuses a wrong {@code jsonrpc}, bad ids, protocol versions other than
 * the session's ({@link ProtocolVersions}) and batches outside 2025-03-26 sessions before anything
 * else happens.
 *
 * <p>A {@code tools/call} stops when its client cancels it: by {@code notifications/cancelled}
 * naming its id in the same session ({@link InFlightCalls}), by closing the connection of the
 * {@code POST} that carries it, or by ending its session. Either way it is answered with nothing,
 * as MCP requires ({@link Reply.Withheld}). A session ends by {@code DELETE}, by being the idle
 * session a new {@code initialize} of its agent ends to make room, or by expiring; whichever way,
 * the node that learns of it cancels the session's calls and ends its stream ({@link
 * HeldSessions}).
 *
 * <p>A running call and an open stream hold their session ({@link McpSessions.Hold}), and a stream
 * lasts until its bearer token expires at the latest: a stream holds a place of the node's streams
 * and of its in-flight requests, and must not keep them on a token the service would refuse.
 */
final class McpEndpoint {

  static final String PATH = "/mcp";
  static final String SESSION_HEADER = "Mcp-Session-Id";

  /** The most messages one batch may carry: each may run a tool, one after another. */
  static final int MAX_BATCH = 16;

  private final McpSessions sessions;
  private final McpMethods methods;
  private final McpStreams streams;
  private final McpMetrics metrics;
  private final InFlightCalls calls;
  private final HeldSessions held;
  private final LiveInvocations live;
  private final Clock clock;
  private final Duration batchDeadline;

  McpEndpoint(
      McpSessions sessions,
      McpMethods methods,
      McpStreams streams,
      InFlightCalls calls,
      HeldSessions held,
      McpMetrics metrics,
      Clock clock,
      Duration batchDeadline,
      LiveInvocations live) {
    this.live = live;
    this.sessions = sessions;
    this.methods = methods;
    this.streams = streams;
    this.calls = calls;
    this.held = held;
    this.metrics = metrics;
    this.clock = clock;
    this.batchDeadline = batchDeadline;
  }

  /** The methods served; any other is -32601. */
  private static final Set<String> METHODS =
      Set.of("initialize", "ping", "tools/list", "tools/call");

  void post(RoutingContext ctx) {
    Instant start = clock.instant();
    if (!MediaAcceptance.JSON.admittedBy(ctx)) {
      answer(ctx, "unread", start, null, notAcceptable(MediaAcceptance.JSON));
      return;
    }
    StrictJson.requireJsonContentType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
    McpSessions.Owner owner = owner(ctx);
    Object parsed;
    try {
      parsed = StrictJson.parse(bodyBytes(ctx), Requests.jsonValueLimit(ctx));
    } catch (ApiException malformed) {
      answer(
          ctx,
          "unread",
          start,
          null,
          JsonRpc.refused(400, JsonRpc.PARSE_ERROR, malformed.getMessage()));
      return;
    }
    if (parsed instanceof JsonArray batch) {
      batch(ctx, owner, batch, start);
      return;
    }
    JsonRpcMessage message = JsonRpcMessage.read(parsed);
    if (message instanceof JsonRpcMessage.Invalid invalid) {
      answer(ctx, message.label(), start, message.id(), invalid.refusal());
      return;
    }
    Optional<Reply.Error> version = ProtocolVersions.unsupported(versionHeader(ctx));
    if (version.isPresent()) {
      answer(ctx, message.label(), start, message.id(), version.get());
    } else if (message instanceof JsonRpcMessage.Response) {
      accepted(ctx, message.label(), start); // a response to a request this server never sends
    } else if (message.label().equals("initialize")) {
      initialize(ctx, owner, message, start);
    } else {
      inSession(ctx, owner, message, start);
    }
  }

  private void initialize(
      RoutingContext ctx, McpSessions.Owner owner, JsonRpcMessage initialize, Instant start) {
    if (!(initialize instanceof JsonRpcMessage.Request message)) {
      answer(
          ctx,
          "initialize",
          start,
          null,
          invalidRequest("initialize must be a request with an id"));
      return;
    }
    if (ctx.request().getHeader(SESSION_HEADER) != null) {
      answer(
          ctx,
          "initialize",
          start,
          message.id(),
          invalidRequest("initialize opens a session; send it without " + SESSION_HEADER));
      return;
    }
    if (message.byPosition()) {
      answer(ctx, "initialize", start, message.id(), byPosition(message));
      return;
    }
    Object requested = message.params().getValue("protocolVersion");
    if (!(requested instanceof String version)) {
      answer(
          ctx,
          "initialize",
          start,
          message.id(),
          JsonRpc.error(JsonRpc.INVALID_PARAMS, "params.protocolVersion must be a string"));
      return;
    }
    String negotiated = ProtocolVersions.negotiate(version);
    // A version header on initialize must name the version the session will speak: a client that
    // sends one and asks for another would speak to its session in a version it did not open.
    Optional<Reply.Error> mismatch = ProtocolVersions.otherThan(negotiated, versionHeader(ctx));
    if (mismatch.isPresent()) {
      answer(ctx, "initialize", start, message.id(), mismatch.get());
      return;
    }
    sessions
        .open(owner, negotiated)
        .onSuccess(
            opening -> {
              if (opening instanceof McpSessions.Opening.Full full) {
                metrics.sessionRefused();
                answer(ctx, "initialize", start, message.id(), atMaximum(full));
                return;
              }
              McpSessions.Opening.Opened opened = (McpSessions.Opening.Opened) opening;
              metrics.sessionOpened(opened.ended().size());
              opened.ended().forEach(ended -> held.ended(owner, ended));
              ctx.response().putHeader(SESSION_HEADER, opened.id());
              answer(
                  ctx,
                  "initialize",
                  start,
                  message.id(),
                  new Reply.Result(initialized(negotiated)));
            })
        .onFailure(ctx::fail);
  }

  /**
   * The refusal of an agent at its maximum of sessions, every one running a call or holding a
   * stream open: to retry when the soonest of those holds lapses unless renewed (sooner if a call
   * or stream ends, or the agent ends a session).
   */
  private Reply.Error atMaximum(McpSessions.Opening.Full full) {
    return JsonRpc.refusedFor(
        429,
        JsonRpc.INVALID_REQUEST,
        "This agent has its maximum of live MCP sessions and every one is running a call or has"
            + " its notification stream open; end one (DELETE "
            + PATH
            + ") or let a call or stream finish.",
        Duration.between(clock.instant(), full.soonestLapse()));
  }

  /** A request or notification of a session. */
  private void inSession(
      RoutingContext ctx, McpSessions.Owner owner, JsonRpcMessage message, Instant start) {
    String session = ctx.request().getHeader(SESSION_HEADER);
    if (session == null) {
      answer(
          ctx,
          message.label(),
          start,
          message.id(),
          JsonRpc.refused(
              400,
              JsonRpc.INVALID_REQUEST,
              "No "
                  + SESSION_HEADER
                  + ": send initialize first and then its session id with every message."));
      return;
    }
    Optional<Reply.Error> refused = versionRefusal(ctx, session);
    if (refused.isPresent()) {
      answer(ctx, message.label(), start, message.id(), refused.get());
      return;
    }
    sessions
        .touch(owner, session)
        .onSuccess(
            live -> {
              if (!live) {
                held.ended(owner, session);
                answer(ctx, message.label(), start, message.id(), sessionNotFound());
              } else if (message instanceof JsonRpcMessage.Request request) {
                dispatch(ctx, request)
                    .onSuccess(reply -> answer(ctx, message.label(), start, message.id(), reply))
                    .onFailure(ctx::fail);
              } else {
                notified(ctx, (JsonRpcMessage.Notification) message);
                accepted(ctx, message.label(), start);
              }
            })
        .onFailure(ctx::fail);
  }

  /**
   * A batch: part of MCP 2025-03-26 only, so sent in a session that negotiated it (later versions
   * removed batches), without {@code initialize}, of at most {@value #MAX_BATCH} messages, each
   * taken from the caller's rate limit as a request of its own (429 for the whole batch otherwise).
   * Its requests run one after another and are answered together in one array, in their order; an
   * element that is not a message gets its error there; a batch of notifications and responses
   * alone is accepted with 202. The batch is answered by its deadline, as one call would be: the
   * requests it has not answered by then are answered with an error saying so ({@link
   * BatchAnswers}).
   */
  private void batch(RoutingContext ctx, McpSessions.Owner owner, JsonArray batch, Instant start) {
    Optional<Reply.Error> refused = batchRefusal(ctx, batch.size());
    if (refused.isPresent()) {
      answer(ctx, "batch", start, null, refused.get());
      return;
    }
    String session = ctx.request().getHeader(SESSION_HEADER);
    sessions
        .touch(owner, session)
        .onSuccess(
            live -> {
              if (!live) {
                held.ended(owner, session);
                answer(ctx, "batch", start, null, sessionNotFound());
                return;
              }
              run(ctx, batch).onSuccess(answers -> answerBatch(ctx, answers)).onFailure(ctx::fail);
            })
        .onFailure(ctx::fail);
  }

  private static Optional<Reply.Error> batchRefusal(RoutingContext ctx, int size) {
    if (size == 0 || size > MAX_BATCH) {
      return Optional.of(
          invalidRequest("A batch holds 1 to " + MAX_BATCH + " messages; this one " + size + "."));
    }
    String session = ctx.request().getHeader(SESSION_HEADER);
    if (session == null) {
      return Optional.of(invalidRequest("A batch is sent in a session: initialize first."));
    }
    return ProtocolVersions.unsupported(versionHeader(ctx))
        .or(() -> versionRefusal(ctx, session))
        .or(() -> ProtocolVersions.batchRefused(McpSessions.version(session).orElseThrow()));
  }

  /** Runs the elements of a batch one after another; the answers come by its deadline. */
  private Future<JsonArray> run(RoutingContext ctx, JsonArray batch) {
    BatchAnswers answers = new BatchAnswers(batch, batchDeadline);
    Promise<JsonArray> answered = Promise.promise();
    long timer =
        ctx.vertx()
            .setTimer(batchDeadline.toMillis(), late -> answered.tryComplete(answers.expire()));
    // The platform's rate limit took one request for the POST: the others, too.
    Future<Void> ran = Requests.takeMoreRequests(ctx, batch.size() - 1).mapEmpty();
    for (Object element : batch) {
      ran =
          ran.compose(
              done ->
                  answers.start()
                      ? inBatch(ctx, element).onSuccess(answers::answered).<Void>mapEmpty()
                      : Future.succeededFuture());
    }
    ran.onSuccess(done -> answered.tryComplete(answers.finish())).onFailure(answered::tryFail);
    return answered.future().onComplete(done -> ctx.vertx().cancelTimer(timer));
  }

  /** Handles one element of a batch: its answer, if it has one. */
  private Future<Optional<JsonObject>> inBatch(RoutingContext ctx, Object element) {
    Instant start = clock.instant();
    JsonRpcMessage message = JsonRpcMessage.read(element);
    if (message instanceof JsonRpcMessage.Invalid invalid) {
      metrics.request(
          message.label(), outcome(invalid.refusal()), Duration.between(start, clock.instant()));
      return Future.succeededFuture(Optional.of(JsonRpc.response(message.id(), invalid.refusal())));
    }
    if (!(message instanceof JsonRpcMessage.Request request)) {
      if (message instanceof JsonRpcMessage.Notification notification) {
        notified(ctx, notification);
      }
      metrics.request(message.label(), "accepted", Duration.between(start, clock.instant()));
      return Future.succeededFuture(Optional.empty());
    }
    Future<Reply> reply =
        request.method().equals("initialize")
            ? Future.succeededFuture(invalidRequest("initialize must not be part of a batch"))
            : dispatch(ctx, request);
    return reply.map(
        answer -> {
          metrics.request(
              request.method(), outcome(answer), Duration.between(start, clock.instant()));
          return answer instanceof Reply.Withheld
              ? Optional.<JsonObject>empty()
              : Optional.of(JsonRpc.response(request.id(), answer));
        });
  }

  private static void answerBatch(RoutingContext ctx, JsonArray answers) {
    if (answers.isEmpty()) {
      ctx.response().setStatusCode(202).end();
      return;
    }
    ctx.response()
        .setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(answers.toBuffer());
  }

  private Future<Reply> dispatch(RoutingContext ctx, JsonRpcMessage.Request message) {
    if (message.byPosition() && METHODS.contains(message.method())) {
      return Future.succeededFuture(byPosition(message));
    }
    Principal caller = Requests.principal(ctx);
    return switch (message.method()) {
      case "ping" -> Future.succeededFuture(new Reply.Result(new JsonObject()));
      case "tools/list" -> methods.listTools(caller, message.params());
      case "tools/call" -> callTool(ctx, caller, message);
      default ->
          Future.succeededFuture(
              JsonRpc.error(
                  JsonRpc.METHOD_NOT_FOUND,
                  "Method not found: " + Excerpt.of(message.method(), 100)));
    };
  }

  /**
   * Runs a tool call, known to {@link InFlightCalls} while it runs so {@code
   * notifications/cancelled} and the end of its session find it, holding its session meanwhile, and
   * known to {@link LiveInvocations} so a shutdown ends it; a call its client cancelled is answered
   * with nothing, one the shutdown ended its result {@code UNAVAILABLE}. A call under the id of one
   * its session is running here is refused and does not run. The session is held in Redis while the
   * call starts, not before: a session found ended then cancels it.
   */
  private Future<Reply> callTool(
      RoutingContext ctx, Principal caller, JsonRpcMessage.Request message) {
    McpSessions.Hold hold = sessions.newHold(owner(ctx), ctx.request().getHeader(SESSION_HEADER));
    Cancellation cancellation = InvocationRoutes.cancelledWhenClientLeaves(ctx);
    if (calls.started(hold, message.id(), cancellation) == InFlightCalls.Start.DUPLICATE) {
      return Future.succeededFuture(
          invalidRequest(
              "This session is running a request with this id: a request id must not be reused"
                  + " while its request is in flight, so this one did not run."));
    }
    Future<Boolean> taken = held.hold(hold);
    Future<Reply> replied =
        methods
            .callTool(
                caller,
                message.params(),
                Optional.ofNullable(ctx.request().getHeader(InvocationRoutes.GRANT_HEADER)),
                cancellation)
            .map(reply -> live.withheld(cancellation) ? new Reply.Withheld() : reply)
            .onComplete(
                done -> {
                  calls.ended(hold, message.id(), cancellation);
                  held.release(hold, taken);
                });
    live.add(cancellation, replied);
    return replied;
  }

  /** What a notification asks: {@code notifications/cancelled} cancels a call; others, nothing. */
  private void notified(RoutingContext ctx, JsonRpcMessage.Notification notification) {
    if (notification.method().equals("notifications/cancelled")) {
      calls.cancel(
          owner(ctx),
          ctx.request().getHeader(SESSION_HEADER),
          notification.params().getValue("requestId"));
    }
  }

  /** {@code GET /mcp}: the session's stream of server notifications. */
  void stream(RoutingContext ctx) {
    if (!MediaAcceptance.EVENT_STREAM.admittedBy(ctx)) {
      throw ApiException.of(NOT_ACCEPTABLE, notAcceptable(MediaAcceptance.EVENT_STREAM).message());
    }
    String session = requiredSession(ctx);
    McpSessions.Owner owner = owner(ctx);
    sessions
        .touch(owner, session)
        .onSuccess(
            live -> {
              if (!live) {
                held.ended(owner, session);
                ctx.fail(ApiException.of(SESSION_NOT_FOUND, sessionNotFound().message()));
                return;
              }
              if (Requests.over(ctx)) {
                return; // the client left while its session was looked up
              }
              ctx.response()
                  .setChunked(true)
                  .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                  .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
              McpStreams.Stream stream =
                  new McpStreams.Stream(
                      sessions.newHold(owner, session), Requests.principal(ctx), ctx.response());
              switch (streams.open(stream)) {
                case SESSION_HAS_ONE ->
                    ctx.fail(
                        ApiException.of(
                            new ErrorCode("STREAM_OPEN", 409),
                            "This session already has a notification stream open."));
                case FULL ->
                    ctx.fail(
                        ApiException.retryAfter(
                            ErrorCode.OVERLOADED,
                            "Too many notification streams are open on this node.",
                            Duration.ofSeconds(5)));
                case TENANT_SHARE_FULL ->
                    ctx.fail(
                        ApiException.retryAfter(
                            new ErrorCode("STREAMS_TENANT_SHARE_FULL", 429),
                            "This tenant's notification streams fill its share of this node ("
                                + streams.tenantShare()
                                + ").",
                            Duration.ofSeconds(5)));
                case ADMITTED -> opened(ctx, stream);
              }
            })
        .onFailure(ctx::fail);
  }

  /**
   * A stream admitted on this node: held in Redis while it is open, and ended when its caller's
   * token expires if nothing ends it before.
   */
  private void opened(RoutingContext ctx, McpStreams.Stream stream) {
    Future<Boolean> taken = held.hold(stream.hold());
    Optional<Long> expiry =
        stream
            .caller()
            .expiresAt()
            .map(
                at ->
                    ctx.vertx()
                        .setTimer(
                            Math.max(1, Duration.between(clock.instant(), at).toMillis()),
                            expired -> stream.end()));
    // The routing context's end, not the response's: that one is the router's own.
    ctx.addEndHandler(
        done -> {
          expiry.ifPresent(ctx.vertx()::cancelTimer);
          streams.close(stream);
          held.release(stream.hold(), taken);
        });
    // Its first bytes once it is held: from then on no initialize ends its session to make room.
    taken.onComplete(done -> stream.comment("stream open"));
  }

  /**
   * {@code DELETE /mcp}: ends the session, and with it its calls and stream on this node. Free of
   * the rate limit when it ends a live session of the caller, so a client can always clean up; one
   * that names none is refused and charged as any request ({@code Routes#settling}).
   */
  void delete(RoutingContext ctx) {
    String session = requiredSession(ctx);
    McpSessions.Owner owner = owner(ctx);
    sessions
        .close(owner, session)
        .onSuccess(
            existed -> {
              held.ended(owner, session);
              if (existed) {
                ctx.response().setStatusCode(204).end();
              } else {
                ctx.fail(ApiException.of(SESSION_NOT_FOUND, sessionNotFound().message()));
              }
            })
        .onFailure(ctx::fail);
  }

  static final ErrorCode SESSION_NOT_FOUND = new ErrorCode("SESSION_NOT_FOUND", 404);
  static final ErrorCode NOT_ACCEPTABLE = new ErrorCode("NOT_ACCEPTABLE", 406);

  /**
   * The refusal of a request whose {@code Accept} does not admit {@code answered}, the one type
   * this verb is answered with: -32600 with its stable code in {@code data}, the code the
   * platform's answer to a {@code GET} carries.
   */
  private static Reply.Error notAcceptable(MediaAcceptance answered) {
    return new Reply.Error(
        JsonRpc.INVALID_REQUEST,
        "This is answered with " + answered + " alone; send an Accept that admits it.",
        new JsonObject().put("code", NOT_ACCEPTABLE.code()),
        NOT_ACCEPTABLE.status(),
        null);
  }

  /** The session a {@code GET} or {@code DELETE} names, refused as a {@code POST} would be. */
  private static String requiredSession(RoutingContext ctx) {
    String session = ctx.request().getHeader(SESSION_HEADER);
    if (session == null) {
      throw ApiException.of(ErrorCode.INVALID_REQUEST, "No " + SESSION_HEADER + " header.");
    }
    Optional<Reply.Error> refused =
        ProtocolVersions.unsupported(versionHeader(ctx)).or(() -> versionRefusal(ctx, session));
    if (refused.isPresent()) {
      Reply.Error error = refused.get();
      throw ApiException.of(
          error.httpStatus() == 404 ? SESSION_NOT_FOUND : ErrorCode.INVALID_REQUEST,
          error.message());
    }
    return session;
  }

  /**
   * The refusal of a message of {@code session} under the version it names: 404 for an id this
   * server never gives, 400 for a {@value ProtocolVersions#HEADER} other than the session's
   * version. A message without the header is read under the session's version.
   */
  private static Optional<Reply.Error> versionRefusal(RoutingContext ctx, String session) {
    return McpSessions.version(session)
        .map(version -> ProtocolVersions.otherThan(version, versionHeader(ctx)))
        .orElseGet(() -> Optional.of(sessionNotFound()));
  }

  private static String versionHeader(RoutingContext ctx) {
    return ctx.request().getHeader(ProtocolVersions.HEADER);
  }

  private static McpSessions.Owner owner(RoutingContext ctx) {
    InvocationContext who = AgentTokens.context(Requests.principal(ctx), "mcp");
    return new McpSessions.Owner(who.tenant(), who.agent(), who.subtree());
  }

  /** The body's bytes; an empty body has no buffer at all, and is an empty JSON text. */
  private static byte[] bodyBytes(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    return body == null ? new byte[0] : body.getBytes();
  }

  private static JsonObject initialized(String negotiated) {
    return new JsonObject()
        .put("protocolVersion", negotiated)
        .put(
            "capabilities",
            new JsonObject().put("tools", new JsonObject().put("listChanged", true)))
        .put(
            "serverInfo",
            new JsonObject()
                .put("name", "infrafabric-chassis")
                .put("title", "InfraFabric chassis")
                .put("version", "0.1.0"))
        .put(
            "instructions",
            "Sandboxed WebAssembly tools under signed contracts. A tool that uses llm or credentials"
                + " runs only under the governor's grant, sent in the "
                + InvocationRoutes.GRANT_HEADER
                + " header.");
  }

  /**
   * A known method given its params by position: a well-formed request whose params are wrong for
   * it, -32602 as any other wrong params, where a params that is no structured value at all makes
   * the request itself invalid (-32600).
   */
  private static Reply.Error byPosition(JsonRpcMessage.Request message) {
    return JsonRpc.error(
        JsonRpc.INVALID_PARAMS,
        "params of "
            + message.method()
            + " must be an object: MCP passes parameters by name, not by position");
  }

  private static Reply.Error invalidRequest(String message) {
    return JsonRpc.refused(400, JsonRpc.INVALID_REQUEST, message);
  }

  private static Reply.Error sessionNotFound() {
    return JsonRpc.refused(
        404,
        JsonRpc.INVALID_REQUEST,
        "Session not found: it ended, expired or belongs to another agent; initialize again.");
  }

  private void accepted(RoutingContext ctx, String method, Instant start) {
    metrics.request(method, "accepted", Duration.between(start, clock.instant()));
    ctx.response().setStatusCode(202).end();
  }

  private void answer(RoutingContext ctx, String method, Instant start, Object id, Reply reply) {
    metrics.request(method, outcome(reply), Duration.between(start, clock.instant()));
    if (reply instanceof Reply.Withheld) {
      ctx.response().setStatusCode(202).end();
      return;
    }
    int status = reply instanceof Reply.Error error ? error.httpStatus() : 200;
    if (reply instanceof Reply.Error error && error.retryAfter() != null) {
      ctx.response()
          .putHeader(
              HttpHeaders.RETRY_AFTER,
              Long.toString(ApiException.wholeSeconds(error.retryAfter())));
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(JsonRpc.response(id, reply).toBuffer());
  }

  private static String outcome(Reply reply) {
    if (reply instanceof Reply.Withheld) {
      return "cancelled";
    }
    if (reply instanceof Reply.Result result) {
      return Boolean.TRUE.equals(result.result().getValue("isError")) ? "tool_error" : "ok";
    }
    Reply.Error error = (Reply.Error) reply;
    String name =
        switch (error.code()) {
          case JsonRpc.PARSE_ERROR -> "parse_error";
          case JsonRpc.INVALID_REQUEST -> "invalid_request";
          case JsonRpc.METHOD_NOT_FOUND -> "method_not_found";
          case JsonRpc.INVALID_PARAMS -> "invalid_params";
          default -> "internal_error";
        };
    return error.httpStatus() == 200 ? name : name + "_" + error.httpStatus();
  }
}
