package com.infrafabric.deploy.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * {@code --version}: the project version Maven wrote into {@code infrafabric-version.properties} at
 * build time, so it is the same in the jar, in the IDE and in tests.
 */
public final class BuildVersion implements CommandLine.IVersionProvider {

  private static final String RESOURCE = "/infrafabric-version.properties";

  @Override
  public String[] getVersion() {
    return new String[] {"infrafabric " + version()};
  }

  /** The project version, such as {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
