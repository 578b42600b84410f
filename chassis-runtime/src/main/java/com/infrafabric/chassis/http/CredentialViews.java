package com.infrafabric.chassis.http;

import com.infrafabric.chassis.credential.ResealReport;
import com.infrafabric.llm.vault.CredentialInfo;
import com.infrafabric.llm.vault.CredentialOwner;
import com.infrafabric.llm.vault.ResponsePolicy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The JSON of stored credentials: {@code {tenant, name, allow, header, scheme, response,
 * [max_requests], key_id, updated_at}} ({@code tenant} null for the operator's), built from {@link
 * CredentialInfo}, which has no secret to show.
 */
final class CredentialViews {

  private CredentialViews() {}

  static JsonObject credential(CredentialInfo info) {
    JsonObject json =
        new JsonObject()
            .put(
                "tenant",
                info.owner() instanceof CredentialOwner.Tenant tenant ? tenant.id() : null)
            .put("name", info.name())
            .put("allow", new JsonArray(info.allow()))
            .put("header", info.header())
            .put("scheme", info.scheme())
            .put("response", info.response().wireName());
    if (info.response() instanceof ResponsePolicy.StatusOnly statusOnly) {
      json.put("max_requests", statusOnly.maxRequests());
    }
    return json.put("key_id", info.keyId()).put("updated_at", info.updatedAt().toString());
  }

  static JsonObject credentials(List<CredentialInfo> all) {
    return new JsonObject()
        .put("credentials", new JsonArray(all.stream().map(CredentialViews::credential).toList()));
  }

  static JsonObject report(ResealReport report) {
    return new JsonObject()
        .put("resealed", report.resealed())
        .put("current", report.current())
        .put("unreadable", new JsonArray(report.unreadable()));
  }
}
