package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.llm.testing.Base32;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.testing.SecretAssertions;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A secret that must never be seen, and the places a test looks for it: an invocation's result, the
 * logs, every key and value in Redis (kv values decoded), every meter's tags. It is longer than 57
 * bytes, where MIME Base64 wraps its lines, as real API keys are; a place is clean when it holds no
 * piece of 8 bytes of it: stricter than the redaction promise (the whole secret), so a test that
 * passes shows no piece got through either.
 */
final class Canary {

  static final String SECRET =
      "sk-canary-5f1d0c7e9a2b4468-Qx7Lm2Vt9Rb4Nw8Kd3Hs6Jf1Gc5Xe0Ub7Io2Kl4Mn6Pq8";

  private Canary() {}

  /** Output, message and the guest's logs. */
  static void absentFrom(InvocationResult result) {
    absentFrom(result.output());
    absentFrom(result.message());
    result.logs().forEach(log -> absentFrom(log.message()));
  }

  /** No 8 consecutive bytes of the secret, in either case, NULs (UTF-16 and UTF-32) dropped. */
  static void absentFrom(String text) {
    String folded = text.replace("\0", "").toLowerCase(Locale.ROOT);
    String secret = SECRET.toLowerCase(Locale.ROOT);
    for (int i = 0; i + 8 <= secret.length(); i++) {
      assertThat(folded).doesNotContain(secret.substring(i, i + 8));
    }
  }

  /**
   * No 8 consecutive bytes of the secret in {@code text}, nor in what a thief decodes from it:
   * percent-, <code>&#92;u</code> and HTML numeric escapes undone, every hex run, every Base64 run
   * (whitespace dropped, either alphabet, at each of the four character offsets) and every Base32
   * run (either alphabet and case, at each of the eight character offsets) decoded.
   */
  static void absentFromAnyDecoding(String text) {
    absentFrom(text);
    String unescaped = unescape(text.replace("\0", ""));
    for (String run : unescaped.toUpperCase(Locale.ROOT).split("[^A-Z0-9]+")) {
      for (Base32 base32 : Base32.values()) {
        for (int offset = 0; offset < 8 && offset < run.length(); offset++) {
          absentFrom(latin1(base32.decode(run.substring(offset))));
        }
      }
    }
    absentFrom(unescaped);
    for (String run : unescaped.split("[^0-9A-Fa-f]+")) {
      if (run.length() >= 2) {
        absentFrom(latin1(HexFormat.of().parseHex(run.substring(0, run.length() & ~1))));
      }
    }
    String joined = unescaped.replaceAll("\\s", "").replace('-', '+').replace('_', '/');
    for (String run : joined.split("[^A-Za-z0-9+/]+")) {
      for (int offset = 0; offset < 4 && offset < run.length(); offset++) {
        String aligned = run.substring(offset);
        absentFrom(latin1(Base64.getDecoder().decode(aligned.substring(0, aligned.length() & ~3))));
      }
    }
  }

  private static String unescape(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%' && i + 2 < text.length() && hex(text, i + 1, 2)) {
        out.append((char) Integer.parseInt(text.substring(i + 1, i + 3), 16));
        i += 2;
      } else if (c == '\\'
          && i + 5 < text.length()
          && text.charAt(i + 1) == 'u'
          && hex(text, i + 2, 4)) {
        out.append((char) Integer.parseInt(text.substring(i + 2, i + 6), 16));
        i += 5;
      } else if (c == '&' && i + 2 < text.length() && text.charAt(i + 1) == '#') {
        int end = i + 2;
        while (end < text.length() && end < i + 7 && Character.isDigit(text.charAt(end))) {
          end++;
        }
        out.append(
            end == i + 2
                ? "&#"
                : String.valueOf((char) Integer.parseInt(text.substring(i + 2, end))));
        i = text.startsWith(";", end) ? end : end - 1;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean hex(String text, int from, int digits) {
    return text.substring(from, from + digits).matches("[0-9A-Fa-f]+");
  }

  private static String latin1(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  /** No meter anywhere carries it in a tag. */
  static void absentFrom(MeterRegistry meters) {
    meters
        .getMeters()
        .forEach(
            meter ->
                meter.getId().getTags().forEach(tag -> absentFrom(tag.getKey() + tag.getValue())));
  }

  /** Every string and hash in Redis, with kv values (stored in Base64) decoded. */
  static void absentFromRedis(RedisEndpoint endpoint) {
    SecretAssertions.assertNotInRedis(endpoint, SECRET, "canary-5f1d");
  }
}
