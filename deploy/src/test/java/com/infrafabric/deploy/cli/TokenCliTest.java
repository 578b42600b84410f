package com.infrafabric.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.deploy.Launcher;
import com.infrafabric.platform.auth.AuthResult;
import com.infrafabric.platform.auth.JwtAuthenticator;
import com.infrafabric.platform.auth.JwtSettings;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class TokenCliTest {

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void keygenWritesAPrivateFileOnlyItsOwnerCanReadAndAPublicSet() throws Exception {
    Path privateFile = dir.resolve("private.json");
    Path publicFile = dir.resolve("jwks.json");

    assertThat(
            run("keygen", "--private", privateFile.toString(), "--public", publicFile.toString()))
        .isZero();

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(privateFile)).contains("\"d\"");
    assertThat(Files.readString(publicFile)).doesNotContain("\"d\"").contains("\"kid\"");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("(mode 0600)");
  }

  @Test
  void mintsATokenTheServiceAccepts() {
    Path privateFile = dir.resolve("private.json");
    Path publicFile = dir.resolve("jwks.json");
    run("keygen", "--private", privateFile.toString(), "--public", publicFile.toString());
    out.reset();

    int status =
        run(
            "mint",
            "--private",
            privateFile.toString(),
            "--sub",
            "ops",
            "--iss",
            "https://iss",
            "--aud",
            "governor",
            "--roles",
            "admin,auditor",
            "--scope",
            "team-a",
            "--claim",
            "tenant=acme",
            "--list-claim",
            "tools=a,b",
            "--ttl",
            "5m");

    assertThat(status).isZero();
    Principal principal = verify(publicFile, out.toString(StandardCharsets.UTF_8).strip());
    assertThat(principal.subject()).isEqualTo("ops");
    assertThat(principal.roles()).containsExactlyInAnyOrder("admin", "auditor");
    assertThat(principal.scope()).contains("team-a");
    assertThat(principal.stringClaim("tenant")).contains("acme");
    assertThat(principal.stringListClaim("tools")).containsExactly("a", "b");
  }

  /**
   * Regression: {@code --public} overwrote any file, and {@code --private k.json --public k.json}
   * left only the public set, the private key written a moment before lost. Each case is a usage
   * error found before anything is written.
   */
  @Test
  void aScopeTheServicesRefuseOrAClaimAnOptionSetsIsAUsageErrorAndNothingIsSigned() {
    Path privateFile = dir.resolve("private.json");
    run(
        "keygen",
        "--private",
        privateFile.toString(),
        "--public",
        dir.resolve("j.json").toString());
    String[][] cases = {
      {"--scope", "acme/"},
      {"--scope", "acme/a/../b"},
      {"--scope", "acme", "--claim", "scope=beta"},
      {"--claim", "sub=root"},
      {"--list-claim", "roles=admin"},
      // Regression: tokens every service refuses were printed with exit 0.
      {"--ttl", "100000h"},
      {"--ttl", "0s"}
    };
    for (String[] extra : cases) {
      out.reset();
      err.reset();
      List<String> args =
          new ArrayList<>(
              List.of(
                  "mint",
                  "--private",
                  privateFile.toString(),
                  "--sub",
                  "ops",
                  "--iss",
                  "i",
                  "--aud",
                  "a"));
      args.addAll(List.of(extra));

      assertThat(run(args.toArray(String[]::new))).as(Arrays.toString(extra)).isEqualTo(2);
      assertThat(out.toString(StandardCharsets.UTF_8)).as(Arrays.toString(extra)).isEmpty();
      assertThat(err.toString(StandardCharsets.UTF_8)).as(Arrays.toString(extra)).hasLineCount(1);
    }
  }

  @Test
  void keygenWritesOnlyNewFilesAndTwoOfThem() throws Exception {
    Path existing = Files.writeString(dir.resolve("existing.json"), "keep me");
    Path fresh = dir.resolve("fresh.json");
    Path same = dir.resolve("k3.json");
    String[][] cases = {
      {existing.toString(), fresh.toString()},
      {fresh.toString(), existing.toString()},
      {same.toString(), same.toString()},
      {same.toString(), dir.resolve(".").resolve("k3.json").toString()}
    };
    for (String[] files : cases) {
      err.reset();
      assertThat(run("keygen", "--private", files[0], "--public", files[1]))
          .as(Arrays.toString(files))
          .isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8)).as(Arrays.toString(files)).hasLineCount(1);
      assertThat(Files.readString(existing)).isEqualTo("keep me");
      assertThat(fresh).doesNotExist();
      assertThat(same).doesNotExist();
    }
  }

  @Test
  void explainsUsageErrorsExactly() {
    assertThat(run("mint", "--sub", "x")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: missing --private\n");
    err.reset();
    assertThat(run("mint", "--bogus", "x")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: unknown option --bogus\n");
    err.reset();
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("error: unknown command 'frobnicate'\n");
  }

  private int run(String... args) {
    return Launcher.run(
        new CliContext(
            Map.of(),
            clock,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)),
        Stream.concat(Stream.of("token"), Arrays.stream(args)).toArray(String[]::new));
  }

  private Principal verify(Path publicFile, String token) {
    Vertx vertx = Vertx.vertx();
    try {
      JwtAuthenticator authenticator =
          JwtAuthenticator.create(
              vertx, JwtSettings.of(publicFile, "https://iss", "governor"), clock);
      AuthResult result = Await.result(authenticator.authenticate(token));
      assertThat(result).isInstanceOf(AuthResult.Authenticated.class);
      return ((AuthResult.Authenticated) result).principal();
    } finally {
      Await.result(vertx.close());
    }
  }
}
