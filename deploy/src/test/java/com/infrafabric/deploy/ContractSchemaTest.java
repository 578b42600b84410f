package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.chassis.publish.ContractJson;
import com.infrafabric.chassis.publish.ContractSigner;
import com.infrafabric.chassis.testing.ExampleBuilds;
import com.infrafabric.hostapi.contract.Capability;
import com.infrafabric.hostapi.contract.CapabilityKind;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.hostapi.contract.ResourceLimits;
import com.infrafabric.hostapi.contract.ServiceContract;
import com.infrafabric.hostapi.contract.Slo;
import com.infrafabric.platform.auth.SigningKey;
import com.infrafabric.platform.auth.SigningKeyPair;
import com.nimbusds.jose.JWSObject;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code host-api/contract.schema.json}, the schema editors validate contract files with, kept in
 * step with the contract model in host-api (every record component has its schema property and no
 * property lacks a component) and with the chassis's parser (every example contract is valid for
 * both; what one refuses, the other refuses).
 */
class ContractSchemaTest {

  /**
   * Where each component of the contract model lives in the JSON form. A record with no components
   * (a capability without parameters) is listed by its class name alone.
   */
  private static final Map<String, String> MODEL_TO_SCHEMA =
      Map.ofEntries(
          Map.entry("ServiceContract.toolName", "/name"),
          Map.entry("ServiceContract.version", "/version"),
          Map.entry("ServiceContract.moduleDigest", "/moduleDigest"),
          Map.entry("ServiceContract.capabilities", "/capabilities"),
          Map.entry("ServiceContract.limits", "/limits"),
          Map.entry("ServiceContract.slo", "/slo"),
          Map.entry("ServiceContract.title", "/title"),
          Map.entry("ServiceContract.description", "/description"),
          Map.entry("ServiceContract.inputSchema", "/inputSchema"),
          Map.entry("ServiceContract.outputSchema", "/outputSchema"),
          Map.entry("ResourceLimits.timeout", "/limits/timeoutMs"),
          Map.entry("ResourceLimits.cpuTime", "/limits/cpuTimeMs"),
          Map.entry("ResourceLimits.memoryMaxPages", "/limits/memory/maxPages"),
          Map.entry("ResourceLimits.tableMaxEntries", "/limits/table/maxEntries"),
          Map.entry("ResourceLimits.outputMaxBytes", "/limits/output/maxBytes"),
          Map.entry("ResourceLimits.logMaxBytes", "/limits/log/maxBytes"),
          Map.entry("ResourceLimits.hostCallsMax", "/limits/hostCalls/max"),
          Map.entry("Slo.p99Latency", "/slo/p99LatencyMs"),
          Map.entry("Slo.successRate", "/slo/successRate"),
          Map.entry("IoCapability", "/capabilities/io"),
          Map.entry("LogCapability", "/capabilities/log"),
          Map.entry("WasiCapability", "/capabilities/wasi"),
          Map.entry("KvCapability.maxBytes", "/capabilities/kv/maxBytes"),
          Map.entry("KvCapability.maxKeys", "/capabilities/kv/maxKeys"),
          Map.entry("HttpCapability.allow", "/capabilities/http/allow"),
          Map.entry("HttpCapability.maxRequests", "/capabilities/http/maxRequests"),
          Map.entry("HttpCapability.connectTimeout", "/capabilities/http/connectTimeoutMs"),
          Map.entry("HttpCapability.readTimeout", "/capabilities/http/readTimeoutMs"),
          Map.entry("HttpCapability.totalTimeout", "/capabilities/http/totalTimeoutMs"),
          Map.entry("HttpCapability.maxResponseBytes", "/capabilities/http/maxResponseBytes"),
          Map.entry("HttpCapability.credentials", "/capabilities/http/credentials"),
          Map.entry("LlmCapability.models", "/capabilities/llm/models"),
          Map.entry("LlmCapability.maxCalls", "/capabilities/llm/maxCalls"),
          Map.entry("LlmCapability.maxOutputTokens", "/capabilities/llm/maxOutputTokens"));

  private static final JsonObject SCHEMA =
      new JsonObject(read(ExampleBuilds.repository().resolve("host-api/contract.schema.json")));
  private static final Validator VALIDATOR =
      Validator.create(
          JsonSchema.of(SCHEMA),
          new JsonSchemaOptions()
              .setDraft(Draft.DRAFT7)
              .setBaseUri("https://infrafabric.dev/schemas/")
              .setOutputFormat(OutputFormat.Basic));

  @TempDir Path directory;

  @Test
  void everyComponentOfTheContractModelHasItsPlaceInTheSchema() {
    Set<String> components = new TreeSet<>();
    List<Class<?>> records =
        new java.util.ArrayList<>(List.of(ServiceContract.class, ResourceLimits.class, Slo.class));
    records.addAll(Arrays.asList(Capability.class.getPermittedSubclasses()));
    for (Class<?> type : records) {
      var fields = type.getRecordComponents();
      if (fields.length == 0) {
        components.add(type.getSimpleName());
      }
      Arrays.stream(fields).forEach(c -> components.add(type.getSimpleName() + "." + c.getName()));
    }
    assertThat(components).isEqualTo(new TreeSet<>(MODEL_TO_SCHEMA.keySet()));
  }

  @Test
  void everySchemaPropertyStandsForAComponentOfTheModel() {
    Set<String> properties = new TreeSet<>();
    collectProperties(SCHEMA, "", properties);
    properties.remove("/$schema");
    Set<String> expected = new TreeSet<>();
    for (String path : MODEL_TO_SCHEMA.values()) {
      for (int slash = path.indexOf('/', 1); slash > 0; slash = path.indexOf('/', slash + 1)) {
        expected.add(path.substring(0, slash));
      }
      expected.add(path);
    }
    assertThat(properties).isEqualTo(expected);
    assertThat(
            SCHEMA
                .getJsonObject("properties")
                .getJsonObject("capabilities")
                .getJsonObject("properties")
                .fieldNames())
        .isEqualTo(
            Arrays.stream(CapabilityKind.values())
                .map(CapabilityKind::jsonName)
                .collect(Collectors.toSet()));
  }

  static Stream<Path> exampleContracts() throws IOException {
    try (Stream<Path> files = Files.walk(ExampleBuilds.repository().resolve("host-api"))) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".contract.json"))
          .filter(
              f -> !f.toString().contains("/node_modules/") && !f.toString().contains("/target/"))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("exampleContracts")
  void everyExampleContractIsValidForTheSchemaAndTheChassis(Path file) {
    JsonObject contract = new JsonObject(read(file));
    assertValid(contract);
    contract.remove("$schema");
    contract.put("moduleDigest", ModuleDigest.of(new byte[] {0}).toString());
    assertThat(ContractJson.parse(contract.encode()).toolName())
        .isEqualTo(contract.getString("name"));
  }

  @ParameterizedTest
  @EnumSource(ToolScaffold.Language.class)
  void theContractToolInitWritesIsValidForTheSchema(ToolScaffold.Language language) {
    Path project = directory.resolve(language.name().toLowerCase());
    ToolScaffold.init(language, "new-tool", project);
    assertValid(new JsonObject(read(project.resolve("contract.json"))));
  }

  @Test
  void whatTheChassisRefusesTheSchemaRefuses() {
    List<Consumer<JsonObject>> breakages =
        List.of(
            c -> c.put("owner", "me"),
            c -> c.getJsonObject("capabilities").put("gpu", new JsonObject()),
            c -> c.getJsonObject("capabilities").put("io", new JsonObject().put("x", 1)),
            c -> c.getJsonObject("capabilities").getJsonObject("kv").remove("maxKeys"),
            c -> c.getJsonObject("capabilities").getJsonObject("kv").put("maxKeys", "10"),
            c -> c.getJsonObject("limits").getJsonObject("memory").put("maxPages", 0),
            c -> c.getJsonObject("limits").remove("hostCalls"),
            c -> c.put("name", "Word Count"),
            c -> c.put("moduleDigest", "sha256:abc"),
            c -> c.getJsonObject("slo").put("successRate", 0));
    for (Consumer<JsonObject> breakage : breakages) {
      JsonObject contract = wordCount();
      contract.put("moduleDigest", ModuleDigest.of(new byte[] {0}).toString());
      breakage.accept(contract);
      assertThat(VALIDATOR.validate(contract).getValid()).as(contract.encode()).isFalse();
      assertThatThrownBy(() -> ContractJson.parse(contract.encode()))
          .as(contract.encode())
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void signingDropsTheEditorsSchemaHint() throws Exception {
    Path privateKey = directory.resolve("publisher.json");
    SigningKeyPair.generate("ES256").write(privateKey, directory.resolve("jwks.json"));
    JsonObject contract = wordCount().put("$schema", "../contract.schema.json");
    String jws =
        ContractSigner.sign(new byte[] {0}, contract.encode(), SigningKey.load(privateKey));
    JsonObject signed = new JsonObject(JWSObject.parse(jws).getPayload().toString());
    assertThat(signed.containsKey("$schema")).isFalse();
    assertThat(signed.getString("moduleDigest"))
        .isEqualTo(ModuleDigest.of(new byte[] {0}).toString());
  }

  private static JsonObject wordCount() {
    return new JsonObject(
        read(
            ExampleBuilds.repository()
                .resolve("host-api/sdk/rust/examples/word_count.contract.json")));
  }

  private static void assertValid(JsonObject contract) {
    OutputUnit result = VALIDATOR.validate(contract);
    assertThat(result.getValid()).as(String.valueOf(result.getErrors())).isTrue();
  }

  /** Adds the path of every property the schema declares, at every depth. */
  private static void collectProperties(JsonObject schema, String path, Set<String> into) {
    JsonObject properties = schema.getJsonObject("properties");
    if (properties == null) {
      return;
    }
    for (String name : properties.fieldNames()) {
      into.add(path + "/" + name);
      collectProperties(properties.getJsonObject(name), path + "/" + name, into);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
