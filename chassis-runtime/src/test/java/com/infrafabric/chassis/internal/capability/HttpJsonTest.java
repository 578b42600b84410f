package com.infrafabric.chassis.internal.capability;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.internal.credential.GuestBoundary;
import com.infrafabric.chassis.internal.egress.EgressResult;
import com.infrafabric.chassis.internal.egress.Hop;
import com.infrafabric.chassis.internal.egress.Server;
import com.infrafabric.llm.destination.Destination;
import com.infrafabric.llm.destination.DestinationPattern;
import com.infrafabric.llm.vault.OpenedCredential;
import com.infrafabric.llm.vault.ResponsePolicy;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What a tool reads of an origin's answer. Regression (review's probe): an origin that named a
 * response header after the token it was sent ({@code X-Bearer-S3cr3t-...}) had the name lowercased
 * before redaction, so a secret with capitals reached the tool case-folded; a name is now redacted
 * as sent, then lowercased.
 */
class HttpJsonTest {

  private static final String SECRET = "S3cr3t-Tok-abcdefghijklmnopqrstuvwxyz-0123456789";

  @Test
  void aSecretInAResponseHeaderNameIsRedactedBeforeTheNameIsLowercased() {
    GuestBoundary boundary = new GuestBoundary();
    boundary.guard(
        new OpenedCredential(
            "k1",
            List.of(DestinationPattern.parse("http://127.0.0.1:18290")),
            "authorization",
            "Bearer " + SECRET,
            SECRET,
            new ResponsePolicy.Full()));
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("X-Bearer-" + SECRET, "1");
    headers.put("Content-Type", "text/plain");

    JsonObject head =
        HttpJson.head(
            new EgressResult.Response(
                200,
                headers,
                "ok".getBytes(StandardCharsets.UTF_8),
                new Hop(
                    Destination.parse("http://127.0.0.1:18290/hdrname"),
                    new Server("http", InetAddress.getLoopbackAddress(), 18290))),
            boundary);

    assertThat(head.getJsonObject("headers").fieldNames())
        .containsExactlyInAnyOrder("x-bearer-[REDACTED]", "content-type");
    assertThat(head.encode().toLowerCase()).doesNotContain(SECRET.toLowerCase());
  }
}
