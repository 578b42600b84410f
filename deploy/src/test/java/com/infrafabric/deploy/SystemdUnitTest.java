package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped systemd unit: sandboxed to an exposure of at most 3.0 as {@code systemd-analyze
 * security} scores it (offline, on the file itself), a SIGTERM stop counted as success, and no
 * fallback to an embedded Redis.
 */
class SystemdUnitTest {

  private static final Path UNIT = Path.of("src/main/dist/systemd/infrafabric.service");
  private static final Pattern EXPOSURE =
      Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d)");

  @Test
  void exposureIsAtMostThree() throws Exception {
    String report = analyze();

    Matcher exposure = EXPOSURE.matcher(report);
    assertThat(exposure.find()).as(report).isTrue();
    assertThat(Double.parseDouble(exposure.group(1))).as(report).isLessThanOrEqualTo(3.0);
  }

  @Test
  void aSignalledStopIsSuccessAndAnExternalRedisIsRequired() throws IOException {
    List<String> lines = Files.readAllLines(UNIT);

    assertThat(lines).contains("SuccessExitStatus=143", "Environment=IF_REDIS_EMBEDDED=false");
  }

  private static String analyze() throws Exception {
    Process process =
        new ProcessBuilder(
                "systemd-analyze", "security", "--offline=true", "--no-pager", UNIT.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
