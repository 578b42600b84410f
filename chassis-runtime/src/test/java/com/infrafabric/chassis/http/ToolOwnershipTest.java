package com.infrafabric.chassis.http;

import static com.infrafabric.chassis.testing.ChassisServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.Publisher;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression: any trusted publisher could take over another publisher's tool version and its
 * tenants' kv data, and a key rotation lost the data. The kv namespace was keyed on the signing
 * key, and signing a version's terms again with any trusted key replaced it: the tenants' data
 * vanished, and the second publisher's next version read it. A tool name now belongs to the
 * publisher that registered it first, whichever of its keys signs.
 */
@Timeout(120)
class ToolOwnershipTest {

  private static final Publisher OWNER = TestChassis.PUBLISHER;
  private static final Publisher ROTATED = OWNER.rotated("test-publisher-2027");
  private static final Publisher OTHER = Publisher.generate("other-publisher");
  private static final byte[] MODULE = Guests.fixture("examples/c/word_count.wasm");

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path directory;

  private static ChassisServiceRig rig;

  @BeforeAll
  static void start() throws IOException {
    Path publishers =
        Files.writeString(directory.resolve("owners.json"), Publisher.jwks(OWNER, ROTATED, OTHER));
    rig =
        new ChassisServiceRig(
            REDIS.endpoint(),
            directory,
            Map.of("chassis.publishers.jwksFile", publishers.toString()));
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @Test
  void anotherPublisherCannotSignAVersionAgainNorAddOneAndTheTenantsDataStays() {
    String acme = registerAndCount("counted");

    assertOwnedByAnother(register("counted", "1.0.0", OTHER), "counted");
    JsonObject tool = json(rig.http.get("/v1/tools/counted/1.0.0", rig.operator()));
    assertThat(tool.getString("publisher_key_id")).isEqualTo("test-publisher");
    assertThat(tool.getString("publisher")).isEqualTo("test-publisher");
    assertThat(total(rig.invoke(acme, "counted", "1.0.0", "four five"))).isEqualTo(5);

    assertOwnedByAnother(register("counted", "2.0.0", OTHER), "counted");
    assertThat(rig.http.get("/v1/tools/counted/2.0.0", rig.operator()).statusCode()).isEqualTo(404);
  }

  @Test
  void theOwnersRotatedKeySignsAVersionAgainAndTheTenantsDataStays() {
    String acme = registerAndCount("rotating");

    HttpResponse<String> resigned = register("rotating", "1.0.0", ROTATED);
    assertThat(resigned.statusCode()).as(resigned.body()).isEqualTo(201);
    assertThat(json(resigned).getString("publisher_key_id")).isEqualTo("test-publisher-2027");
    assertThat(json(resigned).getString("publisher")).isEqualTo("test-publisher");
    assertThat(total(rig.invoke(acme, "rotating", "1.0.0", "four five"))).isEqualTo(5);

    assertThat(register("rotating", "2.0.0", ROTATED).statusCode()).isEqualTo(201);
    assertThat(total(rig.invoke(acme, "rotating", "2.0.0", "six"))).isEqualTo(6);
  }

  @Test
  void aDeletedVersionComesBackOnlyUnderItsPublisher() {
    registerAndCount("retired");
    assertThat(
            rig.http
                .send("DELETE", "/v1/tools/retired/1.0.0", rig.operator(), Map.of())
                .statusCode())
        .isEqualTo(204);

    assertOwnedByAnother(register("retired", "1.0.0", OTHER), "retired");
    assertThat(register("retired", "1.0.0", ROTATED).statusCode()).isEqualTo(201);
  }

  /**
   * A name registered before owners were recorded has no owner record: it belongs to the signer of
   * its earliest stored version (a key set then named no publisher, so its kid is its publisher),
   * and the owner's next registration records it.
   */
  @Test
  void aNameRegisteredBeforeOwnersWereRecordedBelongsToItsFirstSigner() {
    String acme = registerAndCount("earlier");
    Await.result(rig.redis.send(Request.cmd(Command.DEL).arg("{chassis}:publisher:earlier")));

    assertOwnedByAnother(register("earlier", "2.0.0", OTHER), "earlier");
    assertOwnedByAnother(register("earlier", "1.0.0", OTHER), "earlier");
    assertThat(register("earlier", "1.0.0", ROTATED).statusCode()).isEqualTo(201);
    assertThat(
            Await.result(
                    rig.redis.send(Request.cmd(Command.GET).arg("{chassis}:publisher:earlier")))
                .toString())
        .isEqualTo("test-publisher");
    assertThat(total(rig.invoke(acme, "earlier", "1.0.0", "four five"))).isEqualTo(5);
  }

  /** Registers {@code name@1.0.0} by the owner; tenant acme counts three words with it. */
  private static String registerAndCount(String name) {
    assertThat(register(name, "1.0.0", OWNER).statusCode()).isEqualTo(201);
    String acme = rig.agent("acme", name);
    assertThat(total(rig.invoke(acme, name, "1.0.0", "one two three"))).isEqualTo(3);
    return acme;
  }

  private static HttpResponse<String> register(String name, String version, Publisher signer) {
    Contracts contract =
        Contracts.forModule(name, MODULE).version(version).grant("log").grantKv(1024, 10);
    return rig.http.send(
        "POST",
        "/v1/tools",
        rig.publisher(),
        Map.of(),
        ChassisServiceRig.registration(MODULE, contract.signedBy(signer)));
  }

  private static void assertOwnedByAnother(HttpResponse<String> response, String name) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
    JsonObject error = json(response);
    assertThat(error.getString("code")).isEqualTo("TOOL_OWNED_BY_ANOTHER_PUBLISHER");
    assertThat(error.getString("message"))
        .isEqualTo(
            "tool "
                + name
                + " belongs to publisher test-publisher; a contract signed by key other-publisher"
                + " (of publisher other-publisher) cannot add or re-sign its versions");
  }

  private static int total(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response).getJsonObject("output").getInteger("total");
  }
}
