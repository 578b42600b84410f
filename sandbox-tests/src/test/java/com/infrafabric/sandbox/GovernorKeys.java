package com.infrafabric.sandbox;

import com.infrafabric.platform.testing.TestTokens;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** The governor's signing key for a test class, its public set in a directory removed at exit. */
final class GovernorKeys {

  private GovernorKeys() {}

  static TestTokens create() {
    try {
      Path directory = Files.createTempDirectory("governor-keys-");
      directory.toFile().deleteOnExit();
      TestTokens tokens = TestTokens.create(directory, Clock.systemUTC());
      File jwks = tokens.jwksFile().toFile();
      jwks.deleteOnExit();
      return tokens;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
