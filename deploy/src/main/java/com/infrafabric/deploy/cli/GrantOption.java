package com.infrafabric.deploy.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --grant GRANT} or {@code --grant-file FILE}: the grant ({@code claims claim} prints one) a
 * command sends with its tool calls, so a tool that uses an LLM or a credential can run. Shared as
 * a picocli mixin by every command that calls tools; checked like a token ({@link TokenInput}), so
 * a file given by mistake is neither sent nor quoted.
 */
public final class GrantOption {

  @Option(
      names = "--grant",
      paramLabel = "GRANT",
      description =
          "a grant to send with every tool call (prefer --grant-file: ps shows arguments)")
  private String inline;

  @Option(names = "--grant-file", paramLabel = "FILE", description = "a file holding the grant")
  private Path file;

  /**
   * The grant, if one was given.
   *
   * @throws IllegalArgumentException if both options are given, or the grant is not one compact JWS
   */
  public Optional<String> value() {
    if (inline != null && file != null) {
      throw new IllegalArgumentException("give --grant or --grant-file, not both");
    }
    if (inline != null) {
      return Optional.of(TokenInput.of("--grant", inline));
    }
    return Optional.ofNullable(file).map(f -> TokenInput.read("--grant-file", f));
  }
}
