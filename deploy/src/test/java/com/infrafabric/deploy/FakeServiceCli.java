package com.infrafabric.deploy;

import com.infrafabric.platform.testing.TempFolder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The command line run in-process against a {@link FakeService} that records one header of what it
 * receives, with a home folder of its own: all fresh for each test, so a test sees only what its
 * own commands sent.
 *
 * <pre>
 * {@code @RegisterExtension final FakeServiceCli fake = FakeServiceCli.recording("Authorization");}
 * </pre>
 */
final class FakeServiceCli implements BeforeEachCallback, AfterEachCallback {

  /** A token of the right shape; the fake service never verifies it. */
  static final String TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2ln";

  private final String recordedHeader;
  private Path directory;
  private FakeService server;
  private CliRun cli;

  private FakeServiceCli(String recordedHeader) {
    this.recordedHeader = recordedHeader;
  }

  /** A fake service that records {@code header} of each request. */
  static FakeServiceCli recording(String header) {
    return new FakeServiceCli(header);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    directory = TempFolder.create("cli-");
    server = FakeService.recording(recordedHeader);
    cli = new CliRun(directory);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    try {
      server.close();
    } finally {
      TempFolder.delete(directory);
    }
  }

  /** The test's own folder, the command line's home. */
  Path directory() {
    return directory;
  }

  FakeService server() {
    return server;
  }

  CliRun cli() {
    return cli;
  }

  /** Runs {@code command} against the fake service with {@link #TOKEN}; its exit status. */
  int run(List<String> command) {
    return cli.run(plus(command, "--url", server.url(), "--token", TOKEN).toArray(String[]::new));
  }

  /** {@code command} with {@code more} arguments after it. */
  static List<String> plus(List<String> command, String... more) {
    List<String> args = new ArrayList<>(command);
    args.addAll(List.of(more));
    return args;
  }
}
