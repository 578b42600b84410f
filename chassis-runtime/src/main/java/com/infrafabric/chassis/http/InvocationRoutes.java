package com.infrafabric.chassis.http;

import static com.infrafabric.chassis.http.ChassisApi.AGENT;

import com.infrafabric.chassis.Chassis;
import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolInput;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.llm.Cancellation;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.http.Fields;
import com.infrafabric.platform.http.Requests;
import com.infrafabric.platform.http.Routes;
import com.infrafabric.platform.http.StrictJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invokes a tool: {@code POST /v1/tools/{name}/{version}/invocations} with {@code {"input": <any
 * JSON value>}}, by an agent whose token grants the tool, and with the governor's grant in the
 * {@value #GRANT_HEADER} header when the agent has one. The chassis verifies the grant itself; this
 * route passes it through as sent and never logs or repeats it. The chassis runs the guest on its
 * own threads; this route only waits for the result and answers with the outcome's HTTP status. A
 * client that closes its connection before the answer cancels the invocation ({@link
 * #cancelledWhenClientLeaves}): queued, it never runs; running, its guest is stopped at once, and
 * either way its admitted place is freed. A shutdown ends the invocations still running just before
 * the server closes their connections ({@link LiveInvocations}): each is cancelled the same way and
 * answered 503 {@code UNAVAILABLE}, saying whether its guest ran.
 *
 * <p>An answer is bounded before it is rendered ({@link InvocationView}), and one estimated above
 * {@value #INLINE_RENDER_BYTES} bytes is rendered on a small pool of {@value #RENDER_THREADS}
 * worker threads rather than on the event loop, so megabytes of output never stall liveness or
 * other requests. That pool's queue holds at most the service's in-flight requests, which the
 * platform bounds.
 */
public final class InvocationRoutes {

  /** Where an agent sends the governor's grant, on REST invocations and MCP tool calls alike. */
  public static final String GRANT_HEADER = "X-InfraFabric-Grant";

  private static final Logger LOG = LoggerFactory.getLogger(InvocationRoutes.class);
  private static final Set<String> FIELDS = Set.of("input");
  private static final Set<Outcome> RETRY_LATER =
      Set.of(Outcome.REJECTED_OVERLOAD, Outcome.UNAVAILABLE);
  private static final String RETRY_SECONDS = "1";
  static final int INLINE_RENDER_BYTES = 64 << 10;
  static final int RENDER_THREADS = 2;

  private final Chassis chassis;
  private final int maxInputBytes;
  private final InvocationView view;
  private final WorkerExecutor renderers;
  private final Counter notGranted;
  private final LiveInvocations live;

  InvocationRoutes(
      Chassis chassis,
      int maxInputBytes,
      InvocationView view,
      WorkerExecutor renderers,
      LiveInvocations live,
      MeterRegistry meters) {
    this.chassis = chassis;
    this.live = live;
    this.maxInputBytes = maxInputBytes;
    this.view = view;
    this.renderers = renderers;
    this.notGranted =
        Counter.builder("chassis.invocations.not.granted")
            .description("Invocations refused because the agent's token does not grant the tool")
            .register(meters);
  }

  void register(Routes routes) {
    routes
        .withBodyLimit(maxInputBytes)
        .withJsonValueLimit(StrictJson.MAX_VALUES) // a tool's input is free-form
        .post(ToolRoutes.TOOL + "/invocations", Access.tenant(AGENT), this::invoke);
  }

  private void invoke(RoutingContext ctx) {
    Principal caller = Requests.principal(ctx);
    ToolRef ref = ToolRoutes.ref(ctx);
    if (!AgentTokens.grants(caller, ref)) {
      notGranted.increment();
      LOG.atWarn()
          .addKeyValue("requestId", Requests.requestId(ctx))
          .addKeyValue("subject", caller.subject())
          .log("invocation refused: the token does not grant the tool");
      throw ChassisErrors.notGranted(ref);
    }
    String invocationId = UUID.randomUUID().toString();
    InvocationContext context = underGrant(ctx, AgentTokens.context(caller, invocationId));
    ToolInput input = ToolInput.parsed(Fields.of(Requests.jsonBody(ctx), FIELDS).value("input"));
    String requestId = Requests.requestId(ctx);
    Cancellation cancellation = cancelledWhenClientLeaves(ctx);
    Future<Void> answered =
        chassis
            .invoke(ref, input, context, cancellation)
            .compose(
                result ->
                    live.withheld(cancellation)
                        ? Future.<Void>succeededFuture() // the client left: nobody reads an answer
                        : answer(ctx, live.answer(cancellation, result), invocationId, requestId))
            .onFailure(ctx::fail);
    live.add(cancellation, answered);
  }

  /**
   * A cancellation cancelled when the client of {@code ctx} leaves before it is answered: its
   * connection closes or fails. At once if it already has. REST invocations and MCP tool calls
   * alike: a caller that cannot read the answer any more waits for nothing. The routing context's
   * end handlers are where the router reports a closed connection; the response's own close handler
   * is the router's, not a route's to take.
   */
  public static Cancellation cancelledWhenClientLeaves(RoutingContext ctx) {
    Cancellation cancellation = new Cancellation();
    if (Requests.over(ctx)) {
      cancellation.cancel();
    } else {
      ctx.addEndHandler(
          ended -> {
            if (ended.failed()) {
              cancellation.cancel();
            }
          });
    }
    return cancellation;
  }

  private Future<Void> answer(
      RoutingContext ctx, InvocationResult result, String invocationId, String requestId) {
    return rendered(result, invocationId, requestId).map(body -> send(ctx, result, body));
  }

  private Future<Buffer> rendered(InvocationResult result, String invocationId, String requestId) {
    if (InvocationView.estimate(result) <= INLINE_RENDER_BYTES) {
      return Future.succeededFuture(view.render(result, invocationId, requestId));
    }
    return renderers.executeBlocking(() -> view.render(result, invocationId, requestId), false);
  }

  private static Void send(RoutingContext ctx, InvocationResult result, Buffer body) {
    HttpServerResponse response =
        ctx.response()
            .setStatusCode(ChassisStatus.of(result.outcome()))
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    if (RETRY_LATER.contains(result.outcome())) {
      response.putHeader(HttpHeaders.RETRY_AFTER, RETRY_SECONDS);
    }
    response.end(body);
    return null;
  }

  private static InvocationContext underGrant(RoutingContext ctx, InvocationContext context) {
    String grant = ctx.request().getHeader(GRANT_HEADER);
    return grant == null ? context : context.withGrant(grant);
  }
}
