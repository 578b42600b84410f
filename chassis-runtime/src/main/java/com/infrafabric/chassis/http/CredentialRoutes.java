package com.infrafabric.chassis.http;

import static com.infrafabric.chassis.http.ChassisApi.OPERATOR;
import static com.infrafabric.platform.http.Responses.respond;

import com.infrafabric.chassis.InvalidCredentialException;
import com.infrafabric.chassis.credential.CredentialVault;
import com.infrafabric.chassis.credential.NewCredential;
import com.infrafabric.llm.vault.CredentialOwner;
import com.infrafabric.llm.vault.ResponsePolicy;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.http.Excerpt;
import com.infrafabric.platform.http.Fields;
import com.infrafabric.platform.http.Requests;
import com.infrafabric.platform.http.Responses;
import com.infrafabric.platform.http.Routes;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The credential vault, for operators: store a tenant's secret (for that tenant's tools) or the
 * operator's own (for the model providers) with the origins it may go to, list what is stored,
 * delete, and reseal after a master key rotation. Write-only like the vault itself: no answer
 * carries a secret, and invalid input is refused naming the field, never repeating the secret.
 * Without master keys every route answers 409 {@code VAULT_NOT_CONFIGURED}.
 */
final class CredentialRoutes {

  private static final String OPERATORS = "/v1/credentials";
  private static final String TENANTS = "/v1/tenants/:tenant/credentials";
  private static final Set<String> FIELDS = Set.of("secret", "allow", "header", "scheme");
  private static final Set<String> TENANT_FIELDS =
      Set.of("secret", "allow", "header", "scheme", "response", "max_requests");

  private final Optional<CredentialVault> vault;

  CredentialRoutes(Optional<CredentialVault> vault) {
    this.vault = vault;
  }

  void register(Routes routes) {
    Access operators = Access.platform(OPERATOR);
    routes
        .put(OPERATORS + "/:name", operators, this::put)
        .get(OPERATORS, operators, this::list)
        .delete(OPERATORS + "/:name", operators, this::delete)
        .put(TENANTS + "/:name", operators, this::put)
        .get(TENANTS, operators, this::list)
        .delete(TENANTS + "/:name", operators, this::delete)
        .post(OPERATORS + "/reseal", operators, this::reseal);
  }

  private CredentialVault vault() {
    return vault.orElseThrow(ChassisErrors::vaultNotConfigured);
  }

  private void put(RoutingContext ctx) {
    CredentialVault vault = vault();
    CredentialOwner owner = owner(ctx);
    boolean tenant = owner instanceof CredentialOwner.Tenant;
    Fields body = Fields.of(Requests.jsonBody(ctx), tenant ? TENANT_FIELDS : FIELDS);
    NewCredential credential =
        new NewCredential(
            owner,
            ctx.pathParam("name"),
            body.string("secret"),
            strings(body.array("allow")),
            body.string("header"),
            body.optionalString("scheme").orElse(""),
            tenant ? response(body) : ResponsePolicy.full());
    respond(ctx, 200, vault.put(credential), CredentialViews::credential);
  }

  private void list(RoutingContext ctx) {
    respond(ctx, 200, vault().list(owner(ctx)), CredentialViews::credentials);
  }

  private void delete(RoutingContext ctx) {
    CredentialOwner owner = owner(ctx);
    String name = ctx.pathParam("name");
    Responses.deleted(
        ctx, vault().delete(owner, name), () -> ChassisErrors.credentialNotFound(owner, name));
  }

  private void reseal(RoutingContext ctx) {
    respond(ctx, 200, vault().reseal(), CredentialViews::report);
  }

  /** The tenant the path names, or the operator on the {@code /v1/credentials} routes. */
  private static CredentialOwner owner(RoutingContext ctx) {
    String tenant = ctx.pathParam("tenant");
    if (tenant == null) {
      return CredentialOwner.operator();
    }
    try {
      return CredentialOwner.tenant(tenant);
    } catch (IllegalArgumentException e) {
      throw new InvalidCredentialException("tenant", "credential " + e.getMessage());
    }
  }

  private static ResponsePolicy response(Fields body) {
    String name = body.optionalString("response").orElse("full");
    Optional<BigInteger> max = body.optionalExactInteger("max_requests");
    if (max.isPresent() && !name.equals("status-only")) {
      throw new InvalidCredentialException(
          "max_requests", "credential max_requests applies to a status-only response only");
    }
    if (max.isPresent()
        && (max.get().signum() < 1
            || max.get().compareTo(BigInteger.valueOf(ResponsePolicy.MAX_STATUS_REQUESTS)) > 0)) {
      throw new InvalidCredentialException(
          "max_requests",
          "credential max_requests "
              + Excerpt.of(max.get().toString(), Excerpt.VALUE_CHARS)
              + " is outside 1.."
              + ResponsePolicy.MAX_STATUS_REQUESTS);
    }
    try {
      return ResponsePolicy.parse(
          name, max.map(n -> OptionalInt.of(n.intValue())).orElse(OptionalInt.empty()));
    } catch (IllegalArgumentException e) {
      throw new InvalidCredentialException("response", "credential " + e.getMessage());
    }
  }

  private static List<String> strings(JsonArray allow) {
    List<String> origins = new ArrayList<>();
    for (int i = 0; i < allow.size(); i++) {
      if (!(allow.getValue(i) instanceof String origin)) {
        throw Fields.malformed("allow[" + i + "]", "must be a string");
      }
      origins.add(origin);
    }
    return origins;
  }
}
