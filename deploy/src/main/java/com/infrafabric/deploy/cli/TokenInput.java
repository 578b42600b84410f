package com.infrafabric.deploy.cli;

import com.infrafabric.platform.auth.CompactJws;
import java.nio.file.Path;

/**
 * A token the user hands the CLI (an option, a file, the environment, the configuration file),
 * checked before any command sends it: one compact JWS ({@link CompactJws}: three base64url
 * segments joined by dots) with nothing but white space around it, such as the newline an editor or
 * {@code echo} leaves. Anything else is refused as a usage error (exit 2) naming where it came from
 * and never quoting it: a file given by mistake (a private key, two tokens, a token with a note
 * under it) must not reach a server as a bearer token, nor a terminal or a log through an error
 * about it (an HTTP client's "invalid header value" quotes the header whole).
 */
public final class TokenInput {

  private TokenInput() {}

  /**
   * {@code text} without its surrounding white space, if that is one token.
   *
   * @param source where the text came from, as the user names it: {@code --token}, {@code IF_TOKEN}
   * @throws IllegalArgumentException naming {@code source}, and nothing of {@code text}, otherwise
   */
  public static String of(String source, String text) {
    String token = text.strip();
    if (!CompactJws.canonical(token)) {
      throw new IllegalArgumentException(
          source
              + " does not hold one token: expected a compact JWS (three base64url segments"
              + " joined by dots) with nothing but white space around it; its content is not"
              + " shown");
    }
    return token;
  }

  /**
   * The token in {@code file}, as {@link #of}.
   *
   * @param source the option or key that named the file: {@code --token-file}, {@code token.file}
   * @throws IllegalArgumentException naming {@code source} and {@code file} if it cannot be read or
   *     does not hold one token
   */
  public static String read(String source, Path file) {
    return of(source + " " + file, InputFiles.text(source, file, InputCap.TOKEN));
  }
}
