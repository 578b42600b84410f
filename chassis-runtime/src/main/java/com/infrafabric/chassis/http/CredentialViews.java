package com.infrafabric.chassis.http;

import com.infrafabric.chassis.credential.CredentialInfo;
import com.infrafabric.chassis.credential.ResealReport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The JSON of stored credentials: {@code {name, allow, header, scheme, key_id, updated_at}}, built
 * from {@link CredentialInfo}, which has no secret to show.
 */
final class CredentialViews {

  private CredentialViews() {}

  static JsonObject credential(CredentialInfo info) {
    return new JsonObject()
        .put("name", info.name())
        .put("allow", new JsonArray(info.allow()))
        .put("header", info.header())
        .put("scheme", info.scheme())
        .put("key_id", info.keyId())
        .put("updated_at", info.updatedAt().toString());
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
