package com.infrafabric.chassis.http;

import static com.infrafabric.chassis.http.ChassisApi.OPERATOR;
import static com.infrafabric.platform.http.Responses.respond;

import com.infrafabric.chassis.credential.CredentialVault;
import com.infrafabric.chassis.credential.NewCredential;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.http.Fields;
import com.infrafabric.platform.http.Requests;
import com.infrafabric.platform.http.Responses;
import com.infrafabric.platform.http.Routes;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The credential vault, for operators: store a secret with the origins it may go to, list what is
 * stored, delete, and reseal after a master key rotation. Write-only like the vault itself: no
 * answer carries a secret, and invalid input is refused naming the field, never repeating the
 * secret. Without master keys every route answers 409 {@code VAULT_NOT_CONFIGURED}.
 */
final class CredentialRoutes {

  private static final String CREDENTIAL = "/v1/credentials/:name";
  private static final Set<String> FIELDS = Set.of("secret", "allow", "header", "scheme");

  private final Optional<CredentialVault> vault;

  CredentialRoutes(Optional<CredentialVault> vault) {
    this.vault = vault;
  }

  void register(Routes routes) {
    Access operators = Access.platform(OPERATOR);
    routes
        .put(CREDENTIAL, operators, this::put)
        .get("/v1/credentials", operators, this::list)
        .delete(CREDENTIAL, operators, this::delete)
        .post("/v1/credentials/reseal", operators, this::reseal);
  }

  private CredentialVault vault() {
    return vault.orElseThrow(ChassisErrors::vaultNotConfigured);
  }

  private void put(RoutingContext ctx) {
    CredentialVault vault = vault();
    Fields body = Fields.of(Requests.jsonBody(ctx), FIELDS);
    NewCredential credential =
        new NewCredential(
            ctx.pathParam("name"),
            body.string("secret"),
            strings(body.array("allow")),
            body.string("header"),
            body.optionalString("scheme").orElse(""));
    respond(ctx, 200, vault.put(credential), CredentialViews::credential);
  }

  private void list(RoutingContext ctx) {
    respond(ctx, 200, vault().list(), CredentialViews::credentials);
  }

  private void delete(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    Responses.deleted(ctx, vault().delete(name), () -> ChassisErrors.credentialNotFound(name));
  }

  private void reseal(RoutingContext ctx) {
    respond(ctx, 200, vault().reseal(), CredentialViews::report);
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
