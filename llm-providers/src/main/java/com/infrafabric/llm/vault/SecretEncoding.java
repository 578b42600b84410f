package com.infrafabric.llm.vault;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The encodings of a secret the {@link Redactor} looks for: raw (either case), hex (either case),
 * Base64 (standard or URL-safe alphabet, any byte alignment) and Base32 (standard or extended-hex
 * alphabet, either case, any byte alignment), each form the whole secret in that encoding but the
 * characters that also carry bits of its neighbours ({@link #edge}, taken with a match).
 */
enum SecretEncoding {

  /**
   * The secret's own characters in either case (a secret is at least 8 random characters, so a text
   * that holds it case-changed holds it), and as the escapes-decoded reading ({@link
   * EscapedText#decoded}) reads them: a secret holding what reads as an escape ({@code %41}, {@code
   * &amp;amp;}) is found there only in that form once a text escapes its other characters (JSON's
   * {@code \"}).
   */
  RAW(0) {
    @Override
    List<String> forms(byte[] secret) {
      String raw = new String(secret, StandardCharsets.ISO_8859_1);
      StringBuilder read = new StringBuilder(raw.length());
      EscapedText.decoded(raw, (c, start, end) -> read.append(c));
      return List.of(raw, read.toString()).stream().map(SecretEncoding::folded).distinct().toList();
    }

    @Override
    int map(char c) {
      return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }
  },

  /**
   * Hex, two digits a byte. One digit on each side of a run is taken too, since a run that starts
   * mid-byte leaves half a byte of the secret beside it.
   */
  HEX(1) {
    @Override
    List<String> forms(byte[] secret) {
      return List.of(HexFormat.of().formatHex(secret));
    }

    @Override
    int map(char c) {
      if (c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
        return c;
      }
      return c >= 'A' && c <= 'F' ? Character.toLowerCase(c) : NOT_IN_ALPHABET;
    }
  },

  /**
   * Base64: the characters computed from the secret's bytes alone, for each of the three byte
   * alignments it can have in a longer text (whole groups of three bytes), so all of the secret but
   * its first and last two bytes at most. URL-safe characters are read as their standard twins, so
   * either alphabet (or a mix) matches. Three characters on each side of a run are taken too, and
   * the padding after it: the partial groups at its ends carry bits of the secret's first and last
   * bytes.
   */
  BASE64(3) {
    @Override
    List<String> forms(byte[] secret) {
      List<String> cores = new ArrayList<>(3);
      for (int offset = 0; offset < 3; offset++) {
        byte[] shifted = new byte[offset + secret.length];
        System.arraycopy(secret, 0, shifted, offset, secret.length);
        String encoded = Base64.getEncoder().withoutPadding().encodeToString(shifted);
        int start = offset == 0 ? 0 : 4;
        int end = (shifted.length / 3) * 4;
        cores.add(encoded.substring(start, end));
      }
      return cores;
    }

    @Override
    int map(char c) {
      if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
        return c;
      }
      return switch (c) {
        case '+', '-' -> '+';
        case '/', '_' -> '/';
        default -> NOT_IN_ALPHABET;
      };
    }

    @Override
    boolean padding(char c) {
      return c == '=';
    }
  },

  /**
   * Base32 (RFC 4648), in its standard alphabet or its extended-hex one, in either case: the
   * characters computed from the secret's bits alone, for each of the five byte alignments it can
   * have in a longer text (each puts the first of its bits at another place in a character), so all
   * of the secret but the bits at its ends that share a character with its neighbours. That
   * character on each side of a run is taken too, and the padding after it.
   */
  BASE32(1) {
    @Override
    List<String> forms(byte[] secret) {
      List<String> cores = new ArrayList<>(10);
      for (String alphabet : List.of(BASE32_ALPHABET, BASE32_HEX_ALPHABET)) {
        for (int offset = 0; offset < 5; offset++) {
          int firstBit = offset * 8;
          int endBit = firstBit + secret.length * 8;
          cores.add(base32(secret, offset, alphabet).substring((firstBit + 4) / 5, endBit / 5));
        }
      }
      return cores;
    }

    @Override
    int map(char c) {
      if (c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
        return c;
      }
      return c >= 'a' && c <= 'z' ? c - ('a' - 'A') : NOT_IN_ALPHABET;
    }

    @Override
    boolean padding(char c) {
      return c == '=';
    }
  };

  private static final String BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final String BASE32_HEX_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUV";

  /** What {@link #map} answers for a character that cannot be part of the encoding. */
  static final int NOT_IN_ALPHABET = -1;

  /** How many characters of the encoding beside a matched run are taken with it. */
  final int edge;

  SecretEncoding(int edge) {
    this.edge = edge;
  }

  /** The encoded forms of {@code secret} a text may hold, already in {@link #map}'s terms. */
  abstract List<String> forms(byte[] secret);

  /**
   * The character {@code c} stands for in this encoding (case and alphabet folded), or {@link
   * #NOT_IN_ALPHABET}.
   */
  abstract int map(char c);

  /** True for padding that may follow a run, taken with it. */
  boolean padding(char c) {
    return false;
  }

  /**
   * {@code secret} after {@code offset} zero bytes in Base32 without padding, 5 bits a character.
   */
  private static String base32(byte[] secret, int offset, String alphabet) {
    StringBuilder encoded = new StringBuilder();
    int bits = 0;
    int pending = 0;
    for (int i = -offset; i < secret.length; i++) {
      bits = bits << 8 | (i < 0 ? 0 : secret[i] & 0xff);
      for (pending += 8; pending >= 5; pending -= 5) {
        encoded.append(alphabet.charAt(bits >>> (pending - 5) & 31));
      }
    }
    if (pending > 0) {
      encoded.append(alphabet.charAt(bits << (5 - pending) & 31));
    }
    return encoded.toString();
  }

  private static String folded(String form) {
    StringBuilder folded = new StringBuilder(form.length());
    form.chars().forEach(c -> folded.append((char) RAW.map((char) c)));
    return folded.toString();
  }
}
