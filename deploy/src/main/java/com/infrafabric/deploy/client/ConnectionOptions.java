package com.infrafabric.deploy.client;

import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.deploy.cli.TokenInput;
import com.infrafabric.platform.config.PropertiesFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Where a client command sends its requests and as whom, shared by every client command as a
 * picocli mixin. Each value comes from the first of: the option, the environment ({@code
 * IF_GOVERNOR_URL} / {@code IF_CHASSIS_URL}, {@code IF_TOKEN}), the file {@code
 * $XDG_CONFIG_HOME/infrafabric/cli.properties} (default {@code ~/.config/...}; keys {@code
 * governor.url}, {@code chassis.url}, {@code token}, {@code token.file}); the URL then defaults to
 * what {@code serve} listens on.
 */
public final class ConnectionOptions {

  /** The environment variable holding a client command's token. */
  private static final String TOKEN_VARIABLE = "IF_TOKEN";

  /**
   * The {@code IF_} variables a client command reads (its token, the services' URLs): not
   * configuration keys, so a launcher that rejects unknown ones knows them.
   */
  public static Set<String> variables() {
    Set<String> variables = new HashSet<>();
    variables.add(TOKEN_VARIABLE);
    for (Service service : Service.values()) {
      variables.add(service.environmentVariable);
    }
    return Set.copyOf(variables);
  }

  @Option(names = "--url", paramLabel = "URL", description = "the service's base URL")
  private String url;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "bearer token (prefer --token-file or IF_TOKEN: arguments are visible to ps)")
  private String token;

  @Option(names = "--token-file", paramLabel = "FILE", description = "file holding the token")
  private Path tokenFile;

  /** A client for {@code service} as these options, the environment and the file say. */
  RestClient client(Service service, CliContext context) {
    Map<String, String> file = configFile(context);
    String base =
        first(url, context.env().get(service.environmentVariable))
            .or(() -> Optional.ofNullable(file.get(service.configKey)))
            .orElse(service.localDefault);
    return RestClient.of(service, base, token(context, file));
  }

  /**
   * The token from the first source that gives one, checked by {@link TokenInput} whichever it is,
   * so no command sends (or prints in an error) whatever a mistaken file or variable holds.
   */
  private String token(CliContext context, Map<String, String> file) {
    if (token != null) {
      return TokenInput.of("--token", token);
    }
    if (tokenFile != null) {
      return TokenInput.read("--token-file", tokenFile);
    }
    String environment = context.env().get(TOKEN_VARIABLE);
    if (environment != null) {
      return TokenInput.of(TOKEN_VARIABLE, environment);
    }
    Path config = configPath(context);
    if (file.get("token") != null) {
      return TokenInput.of(config + ": token", file.get("token"));
    }
    if (file.get("token.file") != null) {
      return TokenInput.read(config + ": token.file", Path.of(file.get("token.file")));
    }
    throw new IllegalArgumentException(
        "no token: give --token-file FILE, --token, IF_TOKEN or token.file in " + config);
  }

  private static Optional<String> first(String preferred, String fallback) {
    return Optional.ofNullable(preferred != null ? preferred : fallback);
  }

  static Path configPath(CliContext context) {
    String xdg = context.env().get("XDG_CONFIG_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(context.env().getOrDefault("HOME", "."), ".config");
    return base.resolve("infrafabric/cli.properties");
  }

  private static Map<String, String> configFile(CliContext context) {
    Path path = configPath(context);
    return Files.isRegularFile(path) ? PropertiesFile.read(path) : Map.of();
  }
}
