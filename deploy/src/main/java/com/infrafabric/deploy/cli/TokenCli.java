package com.infrafabric.deploy.cli;

import com.infrafabric.platform.auth.SigningKeyPair;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.auth.TokenSpec;
import com.infrafabric.platform.config.Durations;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The operators' token tool.
 *
 * <pre>
 * keygen --private FILE --public FILE [--alg ES256]
 *     writes a new private JWK set (mode 0600) and its public JWK set, with a random kid
 * mint --private FILE --sub SUBJECT --iss ISSUER --aud AUDIENCE [--roles a,b] [--scope S]
 *      [--claim name=value]... [--list-claim name=a,b]... [--ttl 15m]
 *     prints a signed token
 * </pre>
 *
 * Exit status: 0 on success, 1 when the files cannot be used, 2 on a usage error.
 */
public final class TokenCli {

  static final String USAGE =
      String.join(
          "\n",
          "usage: TokenCli keygen --private FILE --public FILE [--alg ES256|ES384|ES512]",
          "       TokenCli mint --private FILE --sub SUBJECT --iss ISSUER --aud AUDIENCE"
              + " [--roles a,b] [--scope S] [--claim name=value]... [--list-claim name=a,b]..."
              + " [--ttl 15m]");
  private static final Set<String> KEYGEN = Set.of("--private", "--public", "--alg");
  private static final Set<String> MINT =
      Set.of(
          "--private",
          "--sub",
          "--iss",
          "--aud",
          "--roles",
          "--scope",
          "--claim",
          "--list-claim",
          "--ttl");
  private static final Duration DEFAULT_TTL = Duration.ofMinutes(15);

  private TokenCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, Clock.systemUTC()));
  }

  /** Runs one command and returns the exit status; tests call this instead of {@link #main}. */
  static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
    String command = args.length == 0 ? "" : args[0];
    return CliStatus.run(
        err,
        USAGE,
        () -> {
          switch (command) {
            case "keygen" -> keygen(CliOptions.parse(args, 1, KEYGEN), out);
            case "mint" -> mint(CliOptions.parse(args, 1, MINT), out, clock);
            default -> throw new IllegalArgumentException("unknown command '" + command + "'");
          }
        });
  }

  private static void keygen(CliOptions options, PrintStream out) {
    Path privateFile = Path.of(options.required("--private"));
    Path publicFile = Path.of(options.required("--public"));
    SigningKeyPair pair = SigningKeyPair.generate(options.optional("--alg").orElse("ES256"));
    pair.write(privateFile, publicFile);
    out.println(
        "wrote private key "
            + pair.keyId()
            + " to "
            + privateFile
            + " (mode 0600) and its public JWK set to "
            + publicFile);
  }

  private static void mint(CliOptions options, PrintStream out, Clock clock) {
    TokenMinter minter = TokenMinter.load(Path.of(options.required("--private")));
    Duration ttl =
        options.optional("--ttl").map(t -> Durations.parse("--ttl", t)).orElse(DEFAULT_TTL);
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("--ttl must be positive");
    }
    TokenSpec spec =
        TokenSpec.of(
                options.required("--sub"),
                options.required("--iss"),
                options.required("--aud"),
                ttl)
            .withRoles(
                options
                    .optional("--roles")
                    .map(TokenCli::list)
                    .orElse(List.of())
                    .toArray(String[]::new));
    if (options.optional("--scope").isPresent()) {
      spec = spec.withScope(options.required("--scope"));
    }
    for (String claim : options.all("--claim")) {
      String[] pair = nameValue(claim, "--claim");
      spec = spec.withClaim(pair[0], pair[1]);
    }
    for (String claim : options.all("--list-claim")) {
      String[] pair = nameValue(claim, "--list-claim");
      spec = spec.withListClaim(pair[0], list(pair[1]));
    }
    out.println(minter.mint(spec, clock.instant()));
  }

  private static String[] nameValue(String text, String option) {
    int equals = text.indexOf('=');
    if (equals < 1) {
      throw new IllegalArgumentException(option + " must be name=value, not " + text);
    }
    return new String[] {text.substring(0, equals), text.substring(equals + 1)};
  }

  private static List<String> list(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
  }
}
