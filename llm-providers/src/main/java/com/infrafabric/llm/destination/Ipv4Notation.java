package com.infrafabric.llm.destination;

import java.util.Optional;

/**
 * Recognizes every textual IPv4 form resolvers and URL parsers accept ({@code inet_aton}): one to
 * four parts, each decimal, octal with a leading {@code 0} or hexadecimal with {@code 0x}, the last
 * part filling the remaining bytes. {@code 2130706433}, {@code 0x7f.1} and {@code 0177.0.0.01} all
 * name 127.0.0.1. The egress policy refuses any host written this way unless it is in canonical
 * dotted-decimal form, so a look-alike can never reach a resolver that reads it differently from
 * the allow-list.
 */
public final class Ipv4Notation {

  private Ipv4Notation() {}

  /** The address {@code host} denotes if it is an IPv4 number in any notation. */
  public static Optional<byte[]> parse(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length > 4) {
      return Optional.empty();
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      long value = number(parts[i]);
      if (value < 0) {
        return Optional.empty();
      }
      values[i] = value;
    }
    return assemble(values);
  }

  /** True if {@code host} is a dotted quad without leading zeros, as addresses are printed. */
  public static boolean isCanonical(String host) {
    return host.matches("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}")
        && parse(host).isPresent();
  }

  /** True if the last label looks numeric, which WHATWG URL parsing treats as an IPv4 attempt. */
  public static boolean looksNumeric(String host) {
    String last = host.substring(host.lastIndexOf('.') + 1);
    return !last.isEmpty() && (last.chars().allMatch(Character::isDigit) || number(last) >= 0);
  }

  private static Optional<byte[]> assemble(long[] values) {
    int last = values.length - 1;
    for (int i = 0; i < last; i++) {
      if (values[i] > 0xFF) {
        return Optional.empty();
      }
    }
    int remainingBytes = 4 - last;
    if (values[last] >= 1L << (8 * remainingBytes)) {
      return Optional.empty();
    }
    long address = values[last];
    for (int i = 0; i < last; i++) {
      address |= values[i] << (8 * (3 - i));
    }
    return Optional.of(
        new byte[] {
          (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address
        });
  }

  /** The value of one part, or -1 if it is not a number in any accepted base. */
  private static long number(String part) {
    if (part.isEmpty() || part.length() > 34) {
      return -1;
    }
    String lower = part.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("0x")) {
      return digits(lower.substring(2), 16);
    }
    if (lower.length() > 1 && lower.startsWith("0")) {
      return digits(lower.substring(1), 8);
    }
    return digits(lower, 10);
  }

  private static long digits(String text, int radix) {
    if (text.isEmpty()) {
      return radix == 16 ? 0 : -1;
    }
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      int digit = Character.digit(text.charAt(i), radix);
      if (digit < 0) {
        return -1;
      }
      value = value * radix + digit;
      if (value > 0xFFFFFFFFL) {
        return Long.MAX_VALUE;
      }
    }
    return value;
  }
}
