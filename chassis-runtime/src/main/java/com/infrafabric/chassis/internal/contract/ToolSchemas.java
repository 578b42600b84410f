package com.infrafabric.chassis.internal.contract;

import com.infrafabric.chassis.publish.SchemaBounds;
import com.infrafabric.hostapi.contract.ServiceContract;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.StrictJson;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaException;
import io.vertx.json.schema.Validator;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A tool's input and output schemas, compiled once per resolved tool (draft 2020-12). Each check is
 * a pass of the fast flag-only validator; only a value that fails it is validated again to name
 * where it fails. The work is bounded by the schema bounds enforced at publication and by the
 * caller's input size, and is done on the caller's request; {@code format} is not asserted ({@link
 * SchemaBounds#asserted}). Thread-safe.
 */
public final class ToolSchemas {

  /** A tool whose contract declares no schemas: everything passes. */
  public static final ToolSchemas NONE = new ToolSchemas(Optional.empty(), Optional.empty());

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

  /** What is wrong with {@code json} (one JSON value) as input, naming the field, if anything. */
  public Optional<String> inputProblem(byte[] json) {
    return input.flatMap(schema -> schema.problem("input", json));
  }

  /** What is wrong with {@code json} (one JSON value) as output, naming the field, if anything. */
  public Optional<String> outputProblem(String json) {
    return output.flatMap(
        schema -> schema.problem("output", json.getBytes(StandardCharsets.UTF_8)));
  }

  private record Compiled(Validator flag, Validator basic) {

    static Compiled of(String schemaJson) {
      JsonSchema schema = JsonSchema.of(SchemaBounds.asserted(new JsonObject(schemaJson)));
      return new Compiled(
          validator(schema, OutputFormat.Flag), validator(schema, OutputFormat.Basic));
    }

    private static Validator validator(JsonSchema schema, OutputFormat format) {
      return Validator.create(
          schema,
          new JsonSchemaOptions()
              .setDraft(Draft.DRAFT202012)
              .setBaseUri(BASE_URI)
              .setOutputFormat(format));
    }

    Optional<String> problem(String what, byte[] json) {
      Object value;
      try {
        value = StrictJson.parse(json);
      } catch (ApiException e) {
        return Optional.of("the " + what + " is not strict JSON: " + e.getMessage());
      }
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
