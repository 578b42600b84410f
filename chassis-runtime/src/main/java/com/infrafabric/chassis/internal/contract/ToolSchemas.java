package com.infrafabric.chassis.internal.contract;

import com.infrafabric.chassis.publish.SchemaBounds;
import com.infrafabric.hostapi.contract.ServiceContract;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.StrictJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaException;
import io.vertx.json.schema.Validator;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A tool's input and output schemas, compiled once per resolved tool (draft 2020-12). Each check is
 * a pass of the fast flag-only validator; only a value that fails it is validated again to name
 * where it fails; {@code format} is not asserted ({@link SchemaBounds#asserted}). A check is
 * weighed before it is made ({@link Check#checks}): the values to check times the most checks the
 * schema makes of one value ({@link SchemaBounds#checksPerValue}). One over {@value #MAX_CHECKS} is
 * refused unmade, so no input or output holds a thread for long, and the caller can tell a light
 * check, made where it stands, from one to hand to a worker thread. Thread-safe.
 */
public final class ToolSchemas {

  /** A tool whose contract declares no schemas: everything passes. */
  public static final ToolSchemas NONE = new ToolSchemas(Optional.empty(), Optional.empty());

  /**
   * The most checks one value may cost (about half a second of the validator on a two-core box,
   * 2026-12-06): a refused input or output says so, naming the sizes.
   */
  public static final long MAX_CHECKS = 262_144;

  private static final String BASE_URI = "https://infrafabric.dev/tools/";

  private final Optional<Compiled> input;
  private final Optional<Compiled> output;

  private ToolSchemas(Optional<Compiled> input, Optional<Compiled> output) {
    this.input = input;
    this.output = output;
  }

  /** The compiled schemas of {@code contract}; bounded already when it was parsed. */
  public static ToolSchemas of(ServiceContract contract) {
    return new ToolSchemas(
        contract.inputSchema().map(Compiled::of), contract.outputSchema().map(Compiled::of));
  }

  /** The check of {@code json} (one JSON value) as input, parsed and weighed. */
  public Check input(byte[] json) {
    return input.map(schema -> schema.check("input", json)).orElse(Check.PASSED);
  }

  /** The check of {@code json} (one JSON value) as output, parsed and weighed. */
  public Check output(String json) {
    return output
        .map(schema -> schema.check("output", json.getBytes(StandardCharsets.UTF_8)))
        .orElse(Check.PASSED);
  }

  /** One value's check against a schema, weighed before it is made. */
  public static final class Check {

    static final Check PASSED = decided(Optional.empty());

    private final long checks;
    private final Supplier<Optional<String>> make;

    private Check(long checks, Supplier<Optional<String>> make) {
      this.checks = checks;
      this.make = make;
    }

    private static Check decided(Optional<String> problem) {
      return new Check(0, () -> problem);
    }

    /** The most checks {@link #problem} makes; 0 if already decided (no schema, not JSON...). */
    public long checks() {
      return checks;
    }

    /** Makes the check: what is wrong with the value, naming the field, if anything. */
    public Optional<String> problem() {
      return make.get();
    }
  }

  private record Compiled(Validator flag, Validator basic, long checksPerValue) {

    static Compiled of(String schemaJson) {
      JsonObject asserted = SchemaBounds.asserted(new JsonObject(schemaJson));
      JsonSchema schema = JsonSchema.of(asserted);
      return new Compiled(
          validator(schema, OutputFormat.Flag),
          validator(schema, OutputFormat.Basic),
          SchemaBounds.checksPerValue(asserted));
    }

    private static Validator validator(JsonSchema schema, OutputFormat format) {
      return Validator.create(
          schema,
          new JsonSchemaOptions()
              .setDraft(Draft.DRAFT202012)
              .setBaseUri(BASE_URI)
              .setOutputFormat(format));
    }

    Check check(String what, byte[] json) {
      Object value;
      try {
        value = StrictJson.parse(json);
      } catch (ApiException e) {
        return Check.decided(Optional.of("the " + what + " is not strict JSON: " + e.getMessage()));
      }
      long values = SchemaBounds.values(value);
      long checks = values * checksPerValue; // both far below 2^31: no overflow
      if (checks > MAX_CHECKS) {
        return Check.decided(
            Optional.of(
                "the "
                    + what
                    + " has "
                    + values
                    + " values (members' names included) and the tool's schema makes up to "
                    + checksPerValue
                    + " checks of each: more than the "
                    + MAX_CHECKS
                    + " checks the chassis makes of one "
                    + what));
      }
      return new Check(checks, () -> problem(what, value));
    }

    private Optional<String> problem(String what, Object parsed) {
      Object value = integralAsIntegers(parsed);
      try {
        if (Boolean.TRUE.equals(flag.validate(value).getValid())) {
          return Optional.empty();
        }
        return Optional.of(describe(what, basic.validate(value)));
      } catch (SchemaException e) {
        return Optional.of(
            "the " + what + " cannot be checked against its schema: " + e.getMessage());
      } catch (StackOverflowError e) {
        // Deeper than the validator's recursion reaches: refused, not a failure of the service.
        return Optional.of("the " + what + " is too deep to check against its schema");
      }
    }

    /**
     * {@code value} (a tree of the checker's own, changed in place) with every number that has a
     * fraction or exponent but an integral value ({@code 1.0}, {@code 1e10}) as the integer it is:
     * JSON Schema 2020-12 counts those as integers, and the validator would refuse them against
     * {@code "type": "integer"} (it compares a remainder's scale). What the guest or the caller
     * receives is not this tree; the number stays as written there.
     */
    private static Object integralAsIntegers(Object value) {
      if (value instanceof BigDecimal decimal) {
        BigDecimal stripped = decimal.stripTrailingZeros();
        return stripped.scale() <= 0 ? stripped.toBigIntegerExact() : decimal;
      }
      if (value instanceof JsonObject object) {
        for (String name : object.fieldNames()) {
          object.put(name, integralAsIntegers(object.getValue(name)));
        }
      } else if (value instanceof JsonArray array) {
        for (int i = 0; i < array.size(); i++) {
          array.set(i, integralAsIntegers(array.getValue(i)));
        }
      }
      return value;
    }

    /** The deepest failure names the field most precisely. */
    private static String describe(String what, OutputUnit result) {
      OutputUnit at = result;
      if (result.getErrors() != null) {
        for (OutputUnit error : result.getErrors()) {
          String location = error.getInstanceLocation();
          if (at == result || (location != null && location.length() > length(at))) {
            at = error;
          }
        }
      }
      String location = at.getInstanceLocation();
      String field = location == null || location.isEmpty() ? "" : location;
      return "the "
          + what
          + (field.isEmpty() ? "" : " field " + field)
          + " does not match the tool's schema: "
          + at.getError();
    }

    private static int length(OutputUnit unit) {
      return unit.getInstanceLocation() == null ? 0 : unit.getInstanceLocation().length();
    }
  }
}
