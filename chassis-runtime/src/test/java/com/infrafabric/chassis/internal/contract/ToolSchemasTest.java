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
    assertThat(schemas.input(bytes("{\"text\":\"hi\",\"pattern\":3}")).problem()).isEmpty();
    assertThat(schemas.input(bytes("{\"text\":3}")).problem())
        .hasValueSatisfying(problem -> assertThat(problem).contains("/text"));
    assertThat(schemas.input(bytes("{}")).problem()).isPresent();
    assertThat(schemas.output("[1]").problem()).isEmpty();
    assertThat(ToolSchemas.NONE.input(bytes("[1]")).problem()).isEmpty();
  }

  /**
   * JSON Schema 2020-12 counts a number with a zero fraction as an integer ({@code 1.0}, {@code
   * 1e10}, {@code -0.0}); the validator compared a remainder's scale and refused them. A true
   * fraction is still not one, and a number past the readers' exponent bound is not strict JSON.
   */
  @Test
  void aNumberWithAnIntegralValueIsAnIntegerHoweverItIsWritten() {
    ToolSchemas schemas =
        ToolSchemas.of(parse(Contracts.forModule("echo", MODULE).put("inputSchema", TEXT)));
    for (String integral : new String[] {"1", "1.0", "1e10", "1.50e1", "-0.0", "2E+3", "1e1000"}) {
      assertThat(schemas.input(bytes("{\"text\":\"t\",\"pattern\":" + integral + "}")).problem())
          .as(integral)
          .isEmpty();
    }
    for (String fraction : new String[] {"1.5", "1e-1", "0.000001"}) {
      assertThat(schemas.input(bytes("{\"text\":\"t\",\"pattern\":" + fraction + "}")).problem())
          .as(fraction)
          .hasValueSatisfying(problem -> assertThat(problem).contains("/pattern"));
    }
    assertThat(schemas.input(bytes("{\"text\":\"t\",\"pattern\":1e60000}")).problem())
        .hasValueSatisfying(problem -> assertThat(problem).contains("decimal exponent"));
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

    assertThat(schemas.input(bytes(input.encode())).problem()).isEmpty();
    assertThat(schemas.input(bytes("{\"format\":\"x\"}")).problem())
        .hasValueSatisfying(problem -> assertThat(problem).contains("/format"));
  }

  /**
   * Size and depth do not bound a check's work: an {@code allOf} of a thousand small parts under
   * {@code items} (14 KB) asks a thousand checks of every item, an {@code enum} of thousands of
   * entries as many comparisons. Publication refuses a schema that asks more than {@value
   * SchemaBounds#MAX_CHECKS_PER_VALUE} of one value, and counts the schemas a value may meet, not
   * every schema of the document: a hundred properties are a few checks of each member.
   */
  @Test
  void publicationRefusesSchemasThatAskManyChecksOfOneValue() {
    assertRefused(itemsAllOf(SchemaBounds.MAX_CHECKS_PER_VALUE + 1), "checks of one value");
    JsonArray entries = new JsonArray();
    for (int i = 0; i < 2_000; i++) {
      entries.add(i);
    }
    assertRefused(
        TEXT.copy()
            .put("properties", new JsonObject().put("a", new JsonObject().put("enum", entries))),
        "checks of one value");
    JsonObject wide = new JsonObject();
    for (int i = 0; i < 100; i++) {
      wide.put("p" + i, new JsonObject().put("type", "integer").put("minimum", 0));
    }
    JsonObject manyProperties = new JsonObject().put("type", "object").put("properties", wide);

    assertThat(SchemaBounds.checksPerValue(manyProperties)).isLessThanOrEqualTo(2);
    assertThat(SchemaBounds.checksPerValue(itemsAllOf(1_000))).isGreaterThan(1_000);
    assertThat(parse(Contracts.forModule("echo", MODULE).put("inputSchema", manyProperties)))
        .isNotNull();
  }

  /**
   * A check is weighed before it is made: values times checks of each. A small input under a schema
   * that asks many checks of each item is heavy, for the caller to make off its event loop; one
   * over {@link ToolSchemas#MAX_CHECKS} is refused unmade, at once, saying why (ten thousand items
   * under a thousand checks each took 20 s of an event loop).
   */
  @Test
  @Timeout(10)
  void aCheckIsWeighedBeforeItIsMadeAndAHeavyOneRefusedUnmade() {
    ToolSchemas schemas =
        ToolSchemas.of(
            parse(Contracts.forModule("echo", MODULE).put("inputSchema", itemsAllOf(1_000))));
    JsonArray items = new JsonArray();
    for (int i = 0; i < 10_000; i++) {
      items.add(0);
    }
    ToolSchemas.Check heavy = schemas.input(bytes(new JsonObject().put("a", items).encode()));
    assertThat(heavy.checks()).isZero();
    assertThat(heavy.problem())
        .hasValueSatisfying(
            problem ->
                assertThat(problem).contains("10003 values").contains("" + ToolSchemas.MAX_CHECKS));

    ToolSchemas.Check made =
        schemas.input(bytes(new JsonObject().put("a", new JsonArray().add(1).add(2)).encode()));
    assertThat(made.checks())
        .as("five values, a thousand checks of each item")
        .isGreaterThan(5_000);
    assertThat(made.problem()).isEmpty();
    assertThat(
            schemas
                .input(bytes(new JsonObject().put("a", new JsonArray().add(-1)).encode()))
                .problem())
        .hasValueSatisfying(problem -> assertThat(problem).contains("/a/0"));
  }

  /** {@code {"a": [items]}}, each item checked against {@code parts} parts of an allOf. */
  private static JsonObject itemsAllOf(int parts) {
    JsonArray allOf = new JsonArray();
    for (int i = 0; i < parts; i++) {
      allOf.add(new JsonObject().put("minimum", 0));
    }
    return new JsonObject()
        .put("type", "object")
        .put(
            "properties",
            new JsonObject()
                .put(
                    "a",
                    new JsonObject()
                        .put("type", "array")
                        .put("items", new JsonObject().put("allOf", allOf))));
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
