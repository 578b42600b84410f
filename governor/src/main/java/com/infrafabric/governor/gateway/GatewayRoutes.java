package com.infrafabric.governor.gateway;

import com.infrafabric.governor.budget.BudgetEngine;
import com.infrafabric.governor.budget.Budgets;
import com.infrafabric.governor.keys.VirtualKey;
import com.infrafabric.governor.keys.VirtualKeys;
import com.infrafabric.governor.pricing.PricingCatalogue;
import com.infrafabric.llm.ProviderFormat;
import com.infrafabric.llm.vault.CredentialStore;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.http.Requests;
import com.infrafabric.platform.http.Routes;
import com.infrafabric.platform.http.StrictJson;
import com.infrafabric.platform.http.WireDialect;
import com.infrafabric.platform.ratelimit.RateDecision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LLM gateway's routes: the OpenAI and Anthropic APIs as their official SDKs call them, with
 * only the base URL and the key changed, every call charged on the caller's budget ({@link
 * MeteredCall}). Base URLs: {@code http://host:port/llm/openai/v1} for OpenAI SDKs and {@code
 * http://host:port/llm/anthropic} for Anthropic SDKs, clear of the governor's own {@code /v1}. The
 * caller is a virtual key ({@link VirtualKeys}: its scope, models and per-minute limits) or an
 * agent's tenant token (role {@code agent}); either way its calls are charged to its scope.
 */
public final class GatewayRoutes implements AutoCloseable {

  /** Every path under it is answered in OpenAI's dialect, a path no route matches included. */
  private static final String OPENAI_PATHS = "/llm/openai";

  /** The OpenAI SDKs' base URL path. */
  public static final String OPENAI = OPENAI_PATHS + "/v1";

  /** The Anthropic SDKs' base URL path. */
  public static final String ANTHROPIC = "/llm/anthropic";

  private static final Access CALLERS = Access.tenant("agent");

  /**
   * The JSON values a call's body may hold: free-form, as a megabyte of embeddings token ids or of
   * a long conversation's messages is.
   */
  private static final int CALL_VALUES = StrictJson.MAX_VALUES;

  private static final Logger LOG = LoggerFactory.getLogger(GatewayRoutes.class);

  private final ModelRouter router;
  private final MeteredCalls calls;
  private final GatewayCallers callers;
  private final Counter abandoned;

  /** The timer that cuts the live calls once the node is stopping; -1 if none is set. */
  private volatile long streamCut = -1;

  public GatewayRoutes(
      Vertx vertx,
      BudgetEngine engine,
      Budgets budgets,
      VirtualKeys keys,
      Supplier<PricingCatalogue> pricing,
      Optional<CredentialStore> vault,
      GatewaySettings settings,
      MeterRegistry meters,
      Clock clock) {
    this.router = new ModelRouter(vertx, settings, clock, meters);
    this.calls =
        new MeteredCalls(vertx, engine, budgets, keys, pricing, router, vault, settings, clock);
    this.callers = new GatewayCallers(keys::authenticate);
    this.abandoned =
        Counter.builder("governor.gateway.settlements.abandoned")
            .description(
                "Gateway calls whose commit or release the store had not answered when the node"
                    + " stopped waiting to exit: each logged as an ERROR with its reservation, which"
                    + " its expiry charges at its worst case (refund by hand what the provider did"
                    + " not bill)")
            .register(meters);
  }

  /**
   * True if a client may call {@code model} now: a model or alias with targets in some API, every
   * one of which the pricing catalogue of the moment prices (a call to any other is refused 422
   * {@code MODEL_UNKNOWN}).
   */
  public boolean callable(String model) {
    return router.callable(model, calls.pricing.get());
  }

  /**
   * Registers the gateway's routes. Each takes from a virtual key's own buckets (a call in {@link
   * CallAdmission}, any other request through {@link #requestTaken}), and only so is registered as
   * limited by its dialect, where the per-principal limit takes nothing from a key: a route that
   * does not belongs on a view without {@link Routes#limitedByDialect}, where that limit holds keys
   * too.
   */
  public void register(Routes routes) {
    Routes openAi =
        routes
            .speaking(new WireDialect(OPENAI_PATHS, callers, GatewayErrors::openAi))
            .limitedByDialect()
            .withJsonValueLimit(CALL_VALUES);
    Routes anthropic =
        routes
            .speaking(new WireDialect(ANTHROPIC, callers, GatewayErrors::anthropic))
            .limitedByDialect()
            .withJsonValueLimit(CALL_VALUES);
    Wire chat = new OpenAiChatWire();
    Wire embeddings = new OpenAiEmbeddingsWire();
    Wire messages = new AnthropicMessagesWire();
    // Not admission-controlled: a call lasts as long as its upstream answers (seconds), which says
    // nothing about this node's load; on the latency-targeted limit every call would count as
    // slow, pin it to its floor and hold the slots the charge path needs. http.maxInFlight bounds
    // them, and each call's reservation passes through the budget engine's own checks.
    openAi
        .post(OPENAI + "/chat/completions", CALLERS, ctx -> calls.handle(ctx, chat))
        .post(OPENAI + "/embeddings", CALLERS, ctx -> calls.handle(ctx, embeddings));
    openAi.get(OPENAI + "/models", CALLERS, this::models);
    anthropic.post(ANTHROPIC + "/v1/messages", CALLERS, ctx -> calls.handle(ctx, messages));
  }

  /**
   * The models and aliases this caller may name and the pricing catalogue prices (an alias when
   * every model it may fall back to is), in OpenAI's list shape, with its budget state.
   */
  private void models(RoutingContext ctx) {
    GatewayCaller caller = GatewayCaller.of(Requests.principal(ctx));
    requestTaken(caller)
        .onSuccess(taken -> models(ctx, caller))
        .onFailure(refused -> BudgetHeaders.fail(ctx, calls.budgets, caller.scope(), refused));
  }

  /**
   * Takes one request from a virtual key's requests-per-minute bucket ({@link
   * VirtualKeys#takeRequest}), failed with 429 {@code RATE_LIMITED} once they are spent; a token's
   * caller was held by the per-principal limit already. The model list took nothing from a key and
   * read the budget's status each time: 14,013 answers in 6 s on a key of 2 requests a minute.
   */
  private Future<Void> requestTaken(GatewayCaller caller) {
    Optional<VirtualKey> key = caller.key();
    if (key.isEmpty()) {
      return Future.succeededFuture();
    }
    Optional<RateDecision> standing = calls.keys.standingRefusal(key.get());
    if (standing.isPresent()) {
      return Future.failedFuture(GatewayErrors.rateLimited(standing.get()));
    }
    return calls
        .keys
        .takeRequest(key.get())
        .compose(
            decision ->
                decision.allowed()
                    ? Future.succeededFuture()
                    : Future.failedFuture(GatewayErrors.rateLimited(decision)));
  }

  private void models(RoutingContext ctx, GatewayCaller caller) {
    PricingCatalogue prices = calls.pricing.get();
    JsonArray data = new JsonArray();
    // A model the catalogue does not price is refused on every call (422 MODEL_UNKNOWN): listing
    // it would offer what never works.
    router.names(ProviderFormat.OPENAI_COMPATIBLE).stream()
        .filter(caller::mayUse)
        .filter(name -> router.callable(name, ProviderFormat.OPENAI_COMPATIBLE, prices))
        .forEach(
            name ->
                data.add(
                    new JsonObject()
                        .put("id", name)
                        .put("object", "model")
                        .put("created", 0)
                        .put("owned_by", "infrafabric")));
    JsonObject list = new JsonObject().put("object", "list").put("data", data);
    BudgetHeaders.current(calls.budgets, caller.scope(), ctx.response())
        .onComplete(
            withState ->
                ctx.response().putHeader("content-type", "application/json").end(list.toBuffer()));
  }

  /**
   * Ends the gateway once its routes take no more calls: the calls still with a provider are cut
   * (their providers' connections closed), each then settled as such a cut is (charged, never
   * released: the provider has the request); completes once every call reserved has settled, its
   * commit or release answered by the store, which must stay open until then. Never fails.
   */
  public Future<Void> stop() {
    cancelStreamCut();
    router.close();
    return calls.settled();
  }

  /**
   * The node exits before the store answered some calls' commit or release (it stayed unreachable
   * past the stop's wait): each such call is logged as an ERROR with its scope, reservation and the
   * most it is charged (its reservation), and counted ({@code
   * governor.gateway.settlements.abandoned}). Its reservation's expiry then charges the call that
   * most, its worst case (see {@link com.infrafabric.governor.budget.ReservationHolder#service}):
   * never uncharged, at most overcharged, which an operator refunds from that line if the provider
   * billed less. Returns how many there were.
   */
  public int abandonUnsettled() {
    List<UnsettledCall> unsettled = calls.stillUnsettled();
    for (UnsettledCall call : unsettled) {
      abandoned.increment();
      LOG.atError()
          .addKeyValue("reservation", call.reservation().map(Object::toString).orElse(""))
          .addKeyValue("scope", call.scope().path())
          .addKeyValue("reservedMicros", call.reservedMicros())
          .log(
              "gateway call {} is NOT settled as the node exits: the store never answered its"
                  + " commit or release; reservation {} of {} holds up to {} micro-dollars until it"
                  + " expires, and is then charged all of it (refund by hand what the provider did"
                  + " not bill)",
              call.callId(),
              call.reservation().map(Object::toString).orElse("(not yet made)"),
              call.scope().path(),
              call.reservedMicros());
    }
    return unsettled.size();
  }

  /**
   * The node is stopping: its server lets the calls in flight go on for its grace, then closes
   * their connections. A call still live {@code cutAfter} ({@code HttpSettings.cutInFlightAfter},
   * shortly before then) is cut by the gateway, and settled as cut by the shutdown (ledger outcome
   * {@code shutdown}), not dropped with the connection and settled as if its client had left or its
   * provider timed out: a stream's provider request is reset and its client gets its dialect's
   * error event and the end of its stream; a call still waiting on its provider's answer is
   * answered its dialect's 503 {@code GATEWAY_SHUTTING_DOWN}.
   */
  public void stopping(Duration cutAfter) {
    cancelStreamCut();
    streamCut = calls.vertx.setTimer(Math.max(1, cutAfter.toMillis()), id -> calls.live.cutAll());
  }

  private void cancelStreamCut() {
    if (streamCut != -1) {
      calls.vertx.cancelTimer(streamCut);
      streamCut = -1;
    }
  }

  @Override
  public void close() {
    router.close();
  }
}
