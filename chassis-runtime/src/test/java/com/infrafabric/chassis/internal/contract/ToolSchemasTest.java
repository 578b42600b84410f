package com.infrafabric.chassis.internal.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.chassis.publish.ContractJson;
import com.infrafabric.chassis.publish.SchemaBounds;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.hostapi.contract.ServiceContract;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A contract's input and output schemas: parsed with the contract, bounded at publication (size,
 * depth, no recursion, no regular expressions), and checked against input and output naming the
 * field at fault.
 */
class ToolSchemasTest {

  private static final byte[] MODULE = {0, 97, 115, 109, 1, 0, 0, 0};
  private static final JsonObject TEXT =
      new JsonObject()
          .put("type", "object")
          .put(
              "properties",
              new JsonObject()
                  .put("text", new JsonObject().put("type", "string"))
                  .put("pattern", new JsonObject().put("type", "integer")))
          .put("required", new JsonArray().add("text"));

  @Test
  void aContractCarriesItsDescriptionAndSchemas() {
    ServiceContract contract =
        parse(
            Contracts.forModule("echo", MODULE)
                .put("title", "Echo")
                .put("description", "Echoes.")
                .put("inputSchema", TEXT));
    assertThat(contract.title()).contains("Echo");
    assertThat(contract.description()).contains("Echoes.");
    assertThat(new JsonObject(contract.inputSchema().orElseThrow())).isEqualTo(TEXT);
    assertThat(contract.outputSchema()).isEmpty();
  }

  @Test
  void inputIsCheckedAndTheFieldAtFaultNamed() {
    ToolSchemas schemas =
        ToolSchemas.of(parse(Contracts.forModule("echo", MODULE).put("inputSchema", TEXT)));
    assertThat(schemas.inputProblem(bytes("{\"text\":\"hi\",\"pattern\":3}"))).isEmpty();
    assertThat(schemas.inputProblem(bytes("{\"text\":3}")))
        .hasValueSatisfying(problem -> assertThat(problem).contains("/text"));
    assertThat(schemas.inputProblem(bytes("{}"))).isPresent();
    assertThat(schemas.outputProblem("[1]")).isEmpty();
    assertThat(ToolSchemas.NONE.inputProblem(bytes("[1]"))).isEmpty();
  }

  @Test
  void publicationRefusesSchemasWhoseCheckIsNotBounded() {
    assertRefused(new JsonObject().put("type", "string"), "must be an object schema");
    assertRefused(TEXT.copy().put("items", new JsonObject().put("$ref", "#")), "uses $ref");
    assertRefused(
        TEXT.copy()
            .put(
                "properties", new JsonObject().put("a", new JsonObject().put("pattern", "(a+)+$"))),
        "uses pattern");
    assertRefused(
        TEXT.copy()
            .put(
                "properties",
                new JsonObject()
                    .put("a", new JsonObject().put("type", "array").put("uniqueItems", true))),
        "uses uniqueItems");
    JsonObject deep = new JsonObject().put("type", "object");
    JsonObject at = deep;
    for (int i = 0; i < SchemaBounds.MAX_DEPTH; i++) {
      JsonObject next = new JsonObject();
      at.put("not", next);
      at = next;
    }
    assertRefused(deep, "nests deeper than");
    JsonObject big =
        new JsonObject()
            .put("type", "object")
            .put("description", "x".repeat(SchemaBounds.MAX_BYTES));
    assertRefused(big, "at most " + SchemaBounds.MAX_BYTES);
  }

  /**
   * {@code format} is an annotation, never asserted: its checks (regular expressions over URIs,
   * host names, pointers) took time growing with the square of a string, on the event loop, and
   * overflowed the stack on 5 KB; a property named {@code format} is still checked.
   */
  @Test
  @Timeout(20)
  void formatIsAnAnnotationAndLongStringsAreCheckedInLinearTime() {
    JsonObject formats = new JsonObject();
    for (String format :
        new String[] {"uri", "uri-reference", "idn-hostname", "json-pointer", "email", "date"}) {
      formats.put(format, new JsonObject().put("type", "string").put("format", format));
    }
    formats.put("format", new JsonObject().put("type", "integer"));
    ToolSchemas schemas =
        ToolSchemas.of(
            parse(
                Contracts.forModule("echo", MODULE)
                    .put(
                        "inputSchema",
                        new JsonObject().put("type", "object").put("properties", formats))));
    String longText = "http://" + "a".repeat(200_000);
    JsonObject input = new JsonObject();
    formats.fieldNames().stream()
        .filter(name -> !name.equals("format"))
        .forEach(n -> input.put(n, longText));

    assertThat(schemas.inputProblem(bytes(input.encode()))).isEmpty();
    assertThat(schemas.inputProblem(bytes("{\"format\":\"x\"}")))
        .hasValueSatisfying(problem -> assertThat(problem).contains("/format"));
  }

  private static void assertRefused(JsonObject schema, String why) {
    assertThatThrownBy(() -> parse(Contracts.forModule("echo", MODULE).put("inputSchema", schema)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inputSchema")
        .hasMessageContaining(why);
  }

  private static ServiceContract parse(Contracts contract) {
    JsonObject json = new JsonObject(contract.json());
    json.put("moduleDigest", ModuleDigest.of(MODULE).toString());
    return ContractJson.parse(json.encode());
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
