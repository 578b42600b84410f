package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openapitools.codegen.ClientOptInput;
import org.openapitools.codegen.DefaultGenerator;
import org.openapitools.codegen.config.CodegenConfigurator;
import org.openapitools.codegen.validation.Invalid;
import org.openapitools.codegen.validation.ValidationResult;
import org.openapitools.codegen.validations.oas.OpenApiEvaluator;
import org.openapitools.codegen.validations.oas.RuleConfiguration;

/**
 * Both services' OpenAPI documents, as {@code serve} serves them at {@code GET /v1/openapi.json},
 * read by the tools SDK generators are built on: the Swagger parser must read each without an error
 * or a warning, OpenAPI Generator's own evaluator must find neither an error nor a recommendation,
 * and the Java client its generator writes (the JDK HTTP client and Jackson) must compile.
 */
@Timeout(600)
class OpenApiGeneratorsTest {

  @TempDir static Path directory;

  private static LocalServe serve;

  @BeforeAll
  static void start() throws IOException {
    serve = ShellExamples.startServe(directory);
  }

  @AfterAll
  static void stop() {
    serve.close();
  }

  private static String document(String service) {
    HttpResponse<String> served =
        (service.equals("governor") ? serve.governor : serve.chassis)
            .get("/v1/openapi.json", serve.token("admin"));
    assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
    return served.body();
  }

  private static SwaggerParseResult parse(String document) {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    return new OpenAPIParser().readContents(document, null, options);
  }

  @ParameterizedTest
  @ValueSource(strings = {"governor", "chassis"})
  void theSwaggerParserReadsTheDocumentWithoutAMessage(String service) {
    SwaggerParseResult parsed = parse(document(service));

    assertThat(parsed.getMessages()).as("errors and warnings").isEmpty();
    assertThat(parsed.getOpenAPI().getOpenapi()).startsWith("3.1");
    assertThat(parsed.getOpenAPI().getPaths()).isNotEmpty();
  }

  /**
   * Regression: both documents named no server (Redocly's recommended ruleset refuses that) and no
   * operation had an {@code operationId}, so every generator made up method names from paths; and
   * an invocation's error answer, an Error and an Invocation at once, failed the {@code oneOf} that
   * declared it must be exactly one of them.
   */
  @ParameterizedTest
  @ValueSource(strings = {"governor", "chassis"})
  void everyOperationIsNamedOnceAndTheDocumentNamesItsServer(String service) {
    OpenAPI openApi = parse(document(service)).getOpenAPI();

    assertThat(openApi.getServers()).isNotEmpty();
    List<String> ids =
        openApi.getPaths().values().stream()
            .flatMap(path -> path.readOperations().stream())
            .map(Operation::getOperationId)
            .toList();
    assertThat(ids).doesNotContainNull().doesNotHaveDuplicates();
    assertThat(document(service)).doesNotContain("\"oneOf\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"governor", "chassis"})
  void openApiGeneratorFindsNoErrorAndNoRecommendation(String service) {
    OpenAPI openApi = parse(document(service)).getOpenAPI();

    ValidationResult result = new OpenApiEvaluator(new RuleConfiguration()).validate(openApi);

    assertThat(result.getErrors().stream().map(Invalid::getMessage)).as("errors").isEmpty();
    assertThat(result.getWarnings().stream().map(Invalid::getMessage))
        .as("recommendations")
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"governor", "chassis"})
  void openApiGeneratorGeneratesAJavaClientThatCompiles(String service) throws IOException {
    Path spec = Files.writeString(directory.resolve(service + ".json"), document(service));
    Path out = directory.resolve(service + "-java");
    ClientOptInput input =
        new CodegenConfigurator()
            .setGeneratorName("java")
            .setLibrary("native")
            .setInputSpec(spec.toString())
            .setOutputDir(out.toString())
            .setValidateSpec(true)
            .addAdditionalProperty("hideGenerationTimestamp", true)
            .addAdditionalProperty("openApiNullable", false)
            .addAdditionalProperty("useBeanValidation", false)
            .addAdditionalProperty("annotationLibrary", "none")
            .addAdditionalProperty("useJakartaEe", true)
            .toClientOptInput();

    List<File> files = new DefaultGenerator().opts(input).generate();

    List<Path> sources;
    try (Stream<Path> generated = Files.walk(out.resolve("src/main/java"))) {
      sources = generated.filter(path -> path.toString().endsWith(".java")).toList();
    }
    assertThat(files).isNotEmpty();
    assertThat(sources.stream().map(Path::toString))
        .anyMatch(path -> path.contains("/model/"))
        .anyMatch(path -> path.contains("/api/") && path.endsWith("Api.java"));
    assertThat(compile(sources, directory.resolve(service + "-classes")))
        .as("javac on the generated client")
        .isEmpty();
  }

  /** Compiles {@code sources} against the test's class path; what javac reported as errors. */
  private static List<String> compile(List<Path> sources, Path classes) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
      javac
          .getTask(
              null,
              files,
              diagnostics,
              List.of(
                  "-d",
                  Files.createDirectories(classes).toString(),
                  "-classpath",
                  System.getProperty("java.class.path"),
                  "-proc:none"),
              null,
              files.getJavaFileObjectsFromPaths(sources))
          .call();
    }
    return diagnostics.getDiagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
        .map(
            d ->
                d.getSource().getName()
                    + ":"
                    + d.getLineNumber()
                    + " "
                    + d.getMessage(null).replace("\n", " "))
        .toList();
  }
}
