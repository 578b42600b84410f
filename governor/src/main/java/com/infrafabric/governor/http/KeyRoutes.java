package com.infrafabric.governor.http;

import static com.infrafabric.governor.http.CallerScope.ADMIN;
import static com.infrafabric.governor.http.CallerScope.AUDITOR;
import static com.infrafabric.platform.http.Responses.respond;

import com.infrafabric.governor.keys.IssuedKey;
import com.infrafabric.governor.keys.KeyPage;
import com.infrafabric.governor.keys.KeySpec;
import com.infrafabric.governor.keys.VirtualKey;
import com.infrafabric.governor.keys.VirtualKeys;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.http.Fields;
import com.infrafabric.platform.http.Requests;
import com.infrafabric.platform.http.Responses;
import com.infrafabric.platform.http.Routes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Virtual API keys, managed by admins of a tenant token within its subtree and read by its
 * auditors. A key is addressed by its tenant and id ({@code /v1/keys/acme/k...}): another tenant is
 * refused, and a key of the tenant outside the caller's subtree is answered as not found. The
 * secret is in the answer of create and rotate only (and not in a replay of either), and nowhere
 * else: not in listings, logs or the ledger.
 */
final class KeyRoutes {

  private static final Set<String> CREATE_FIELDS =
      Set.of(
          "scope",
          "allowed_models",
          "requests_per_minute",
          "tokens_per_minute",
          "metadata",
          "expires_at");

  /** What a replayed create or rotate says in place of the secret it cannot show again. */
  static final String SECRET_NOT_SHOWN =
      "the secret is shown only once, in the first answer, and is not kept (only its SHA-256 is):"
          + " rotate the key for a new secret, or revoke it and create another";

  private final VirtualKeys keys;
  private final Predicate<String> servedModels;

  /**
   * @param servedModels whether the gateway can call a model or alias now (served and priced): a
   *     key may name only those
   */
  KeyRoutes(VirtualKeys keys, Predicate<String> servedModels) {
    this.keys = keys;
    this.servedModels = servedModels;
  }

  void register(Routes routes) {
    Access admins = Access.tenant(ADMIN);
    Access readers = Access.tenant(ADMIN, AUDITOR);
    routes
        .post("/v1/keys", admins, IdempotentRoute.of(this::create))
        .get("/v1/keys", readers, this::list)
        .get("/v1/keys/:tenant/:id", readers, this::get)
        .post("/v1/keys/:tenant/:id/rotate", admins, IdempotentRoute.of(this::rotate))
        .post("/v1/keys/:tenant/:id/expire", admins, IdempotentRoute.of(this::expire))
        .delete("/v1/keys/:tenant/:id", admins, IdempotentRoute.of(this::revoke));
  }

  private void create(RoutingContext ctx, IdempotencyKey key) {
    Principal caller = Requests.principal(ctx);
    Fields body = Fields.of(Requests.jsonBody(ctx), CREATE_FIELDS);
    Scope scope = CallerScope.requireWithin(caller, Scope.parse(body.string("scope")));
    KeySpec spec =
        new KeySpec(
            scope,
            models(body),
            body.integer("requests_per_minute", 1, VirtualKey.MAX_RATE),
            body.integer("tokens_per_minute", 1, VirtualKey.MAX_RATE),
            metadata(body),
            body.optionalString("expires_at").map(KeyRoutes::expiry).orElse(null));
    Responses.then(
        ctx, keys.create(spec, key, caller.subject()), issued -> issuedAnswer(ctx, issued, 201));
  }

  /**
   * {@code GET /v1/keys?scope=S&cursor=C&limit=N}: the keys of S (default: the caller's subtree).
   */
  private void list(RoutingContext ctx) {
    Scope within = Listings.scope(ctx);
    String cursor = ctx.queryParams().get("cursor");
    respond(
        ctx,
        200,
        keys.list(within, cursor, Listings.limit(ctx, VirtualKeys.MAX_PAGE_SIZE)),
        KeyRoutes::page);
  }

  private void get(RoutingContext ctx) {
    Scope subtree = subtree(ctx);
    String id = ctx.pathParam("id");
    respond(
        ctx,
        200,
        keys.get(subtree.tenant(), id, subtree),
        found -> view(found.orElseThrow(() -> VirtualKeys.notFound(id))));
  }

  private void rotate(RoutingContext ctx, IdempotencyKey key) {
    Scope subtree = subtree(ctx);
    Requests.noBody(ctx);
    Responses.then(
        ctx,
        keys.rotate(
            subtree.tenant(), ctx.pathParam("id"), subtree, key, Requests.principal(ctx).subject()),
        issued -> issuedAnswer(ctx, issued, 200));
  }

  /**
   * Body: {@code {"expires_at": "..."}}, or {@code {}} to expire the key now. An explicit null is
   * refused: in a key's view it means "never", which this route cannot set.
   */
  private void expire(RoutingContext ctx, IdempotencyKey key) {
    Scope subtree = subtree(ctx);
    // No expires_at ends the key now: a null one is refused, not read as that.
    Instant at =
        Fields.of(Requests.jsonBody(ctx), Set.of("expires_at"))
            .optionalStringNotNull("expires_at")
            .map(KeyRoutes::expiry)
            .orElse(null);
    respond(
        ctx,
        200,
        keys.expire(
            subtree.tenant(),
            ctx.pathParam("id"),
            subtree,
            at,
            key,
            Requests.principal(ctx).subject()),
        KeyRoutes::view);
  }

  private void revoke(RoutingContext ctx, IdempotencyKey key) {
    Scope subtree = subtree(ctx);
    Responses.then(
        ctx,
        keys.revoke(
            subtree.tenant(), ctx.pathParam("id"), subtree, key, Requests.principal(ctx).subject()),
        ignored -> ctx.response().setStatusCode(204).end());
  }

  /** The caller's subtree, which must lie in the tenant the path names. */
  private static Scope subtree(RoutingContext ctx) {
    Scope subtree = CallerScope.subtree(Requests.principal(ctx));
    String tenant = TenantPath.of(ctx);
    CallerScope.requireInTenant(subtree, tenant);
    return subtree;
  }

  /**
   * The answer of a create or rotate: the key, its {@code secret} and {@code secret_shown}. A
   * replay (same idempotency key) has the secret null, {@code secret_shown} false and a {@code
   * secret_notice} saying why and what to do: only the secret's SHA-256 is stored, so it can be
   * shown to the first answer only, and a client that lost that answer must not take the replay for
   * a key without one.
   */
  private static void issuedAnswer(RoutingContext ctx, IssuedKey issued, int status) {
    JsonObject body = view(issued.key());
    body.put("secret", issued.secret().orElse(null))
        .put("secret_shown", issued.secret().isPresent());
    if (issued.secret().isEmpty()) {
      body.put("secret_notice", SECRET_NOT_SHOWN);
      ctx.response().putHeader("Idempotent-Replayed", "true");
    }
    Responses.send(ctx, issued.secret().isPresent() ? status : 200, body);
  }

  /**
   * The models a key may call: {@value VirtualKey#ANY_MODEL}, or names the gateway can call now
   * (served, and priced by the catalogue of the moment). A name it cannot (a typo, an alias not
   * configured, a model configured but not priced) is refused now, not found unusable at the key's
   * first call. A rotation keeps the key's models unchecked: a model the catalogue stops pricing
   * later stays on the key, refused at each call (422 {@code MODEL_UNKNOWN}) until it is priced
   * again.
   */
  private Set<String> models(Fields body) {
    JsonArray array = body.array("allowed_models");
    Set<String> models = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String model)) {
        throw Fields.malformed("allowed_models[" + i + "]", "must be a string");
      }
      if (!model.equals(VirtualKey.ANY_MODEL) && !servedModels.test(model)) {
        throw Fields.malformed(
            "allowed_models[" + i + "]",
            "names " + model + ", no model or alias this gateway serves and prices now");
      }
      models.add(model);
    }
    return models;
  }

  private static Map<String, String> metadata(Fields body) {
    Map<String, String> metadata = new HashMap<>();
    JsonObject object = body.optionalObject("metadata").orElse(new JsonObject());
    for (String name : object.fieldNames()) {
      if (!(object.getValue(name) instanceof String text)) {
        throw Fields.malformed("metadata." + name, "must be a string");
      }
      metadata.put(name, text);
    }
    return metadata;
  }

  /**
   * An expiry as the key keeps it, to the millisecond (its record counts milliseconds), so the
   * answer that sets it states what is stored.
   */
  private static Instant expiry(String text) {
    return Fields.instant("expires_at", text).truncatedTo(ChronoUnit.MILLIS);
  }

  static JsonObject view(VirtualKey key) {
    JsonObject metadata = new JsonObject();
    new TreeSet<>(key.metadata().keySet()).forEach(n -> metadata.put(n, key.metadata().get(n)));
    return new JsonObject()
        .put("id", key.id())
        .put("scope", key.scope().path())
        .put("allowed_models", new JsonArray(new TreeSet<>(key.allowedModels()).stream().toList()))
        .put("requests_per_minute", key.requestsPerMinute())
        .put("tokens_per_minute", key.tokensPerMinute())
        .put("metadata", metadata)
        .put("expires_at", key.expiresAt() == null ? null : key.expiresAt().toString());
  }

  private static JsonObject page(KeyPage page) {
    JsonArray array = new JsonArray();
    page.keys().forEach(key -> array.add(view(key)));
    return new JsonObject().put("keys", array).put("next_cursor", page.nextCursor().orElse(null));
  }
}
