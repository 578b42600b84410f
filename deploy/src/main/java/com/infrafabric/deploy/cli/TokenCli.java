package com.infrafabric.deploy.cli;

import com.infrafabric.platform.auth.JwtSettings;
import com.infrafabric.platform.auth.SigningKeyPair;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.auth.TokenSpec;
import com.infrafabric.platform.config.Durations;
import com.infrafabric.platform.scope.ScopeGrammar;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code infrafabric token keygen|mint}: the operators' signing keys and tokens. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = "Create a signing key pair or mint a token.",
    subcommands = {TokenCli.Keygen.class, TokenCli.Mint.class})
public final class TokenCli extends CommandGroup {

  @Command(
      name = "keygen",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description =
          "Write a new private JWK set (mode 0600) and its public JWK set, with a random kid.")
  static final class Keygen implements Callable<Integer> {

    private final CliContext context;

    @Option(
        names = "--private",
        required = true,
        paramLabel = "FILE",
        description = "a new file, not --public's")
    private Path privateFile;

    @Option(
        names = "--public",
        required = true,
        paramLabel = "FILE",
        description = "a new file, not --private's")
    private Path publicFile;

    @Option(
        names = "--alg",
        paramLabel = "ALG",
        defaultValue = "ES256",
        description = "ES256, ES384 or ES512 (default: ${DEFAULT-VALUE})")
    private String algorithm;

    Keygen(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      SigningKeyPair pair = SigningKeyPair.generate(algorithm);
      pair.write(privateFile, publicFile);
      context
          .out()
          .println(
              "wrote private key "
                  + pair.keyId()
                  + " to "
                  + privateFile
                  + " (mode 0600) and its public JWK set to "
                  + publicFile);
      return 0;
    }
  }

  @Command(
      name = "mint",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Print a signed token.")
  static final class Mint implements Callable<Integer> {

    private final CliContext context;

    @Option(names = "--private", required = true, paramLabel = "FILE", description = "signing key")
    private Path privateFile;

    @Option(names = "--sub", required = true, paramLabel = "SUBJECT")
    private String subject;

    @Option(names = "--iss", required = true, paramLabel = "ISSUER")
    private String issuer;

    @Option(names = "--aud", required = true, paramLabel = "AUDIENCE")
    private String audience;

    @Option(names = "--roles", paramLabel = "a,b", description = "comma-separated roles")
    private String roles = "";

    @Option(
        names = "--scope",
        paramLabel = "S",
        description = "tenant subtree (acme, acme/search); none for a platform token")
    private String scope;

    @Option(names = "--claim", paramLabel = "name=value", description = "repeatable")
    private List<String> claims = List.of();

    @Option(names = "--list-claim", paramLabel = "name=a,b", description = "repeatable")
    private List<String> listClaims = List.of();

    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        defaultValue = "15m",
        description =
            "lifetime (default: ${DEFAULT-VALUE}); the services refuse a token living longer than"
                + " their auth.maxTokenLifetime (24h unless configured)")
    private String ttl;

    Mint(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      TokenMinter minter = PrivateKeyFile.read(privateFile, TokenMinter::fromPrivateJwks);
      if (subject.isBlank()) {
        throw new IllegalArgumentException("--sub must name the token's subject");
      }
      Duration lifetime = Durations.parse("--ttl", ttl);
      if (lifetime.isNegative()
          || lifetime.isZero()
          || lifetime.compareTo(JwtSettings.LONGEST_MAX_LIFETIME) > 0) {
        // No service accepts a token living longer, whatever its auth.maxTokenLifetime.
        throw new IllegalArgumentException(
            "--ttl must be positive and at most "
                + JwtSettings.LONGEST_MAX_LIFETIME.toDays()
                + " days");
      }
      TokenSpec spec =
          TokenSpec.of(subject, issuer, audience, lifetime)
              .withRoles(list(roles).toArray(String[]::new));
      if (scope != null) {
        ScopeGrammar.problem(scope)
            .ifPresent(
                why -> {
                  throw new IllegalArgumentException("--scope: the scope " + why);
                });
        spec = spec.withScope(scope);
      }
      for (String claim : claims) {
        String[] pair = nameValue(claim, "--claim");
        spec = spec.withClaim(pair[0], pair[1]);
      }
      for (String claim : listClaims) {
        String[] pair = nameValue(claim, "--list-claim");
        spec = spec.withListClaim(pair[0], list(pair[1]));
      }
      context.out().println(minter.mint(spec, context.clock().instant()));
      return 0;
    }
  }

  /**
   * The claims this command sets from its own options: a {@code --claim} or {@code --list-claim} of
   * one of them would silently replace what the option said (a token minted with {@code --scope
   * acme} and {@code --claim scope=beta} was beta's).
   */
  private static final Set<String> OWN_CLAIMS =
      Set.of("sub", "iss", "aud", "iat", "nbf", "exp", "jti", "roles", "scope");

  private static String[] nameValue(String text, String option) {
    int equals = text.indexOf('=');
    if (equals < 1) {
      throw new IllegalArgumentException(option + " must be name=value, not " + text);
    }
    String name = text.substring(0, equals);
    if (OWN_CLAIMS.contains(name)) {
      throw new IllegalArgumentException(
          option
              + " cannot set "
              + name
              + ": give it with its own option (--sub, --iss, --aud,"
              + " --roles, --scope, --ttl)");
    }
    return new String[] {name, text.substring(equals + 1)};
  }

  private static List<String> list(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
  }
}
