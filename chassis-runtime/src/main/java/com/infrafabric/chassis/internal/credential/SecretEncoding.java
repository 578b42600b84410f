package com.infrafabric.chassis.internal.credential;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The encodings of a secret the {@link Redactor} looks for, each with the shortest run it counts as
 * a piece of the secret: raw, hex (either case) and Base64 (standard or URL-safe alphabet, any byte
 * alignment). A run of {@link #window} characters of an encoding stands for at least 8 consecutive
 * bytes of the secret, the shortest a secret may be.
 */
enum SecretEncoding {

  /** The secret's own characters: 8 of them. */
  RAW(8, 0) {
    @Override
    List<String> forms(byte[] secret) {
      return List.of(new String(secret, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Override
    int map(char c) {
      return c;
    }
  },

  /**
   * Hex: 16 digits are 8 bytes. One digit on each side of a run is taken too, since a run that
   * starts mid-byte leaves half a byte of the secret beside it.
   */
  HEX(16, 1) {
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
   * alignments it can have in a longer text (whole groups of three bytes). Any 8 of them span at
   * least 8 bytes of the secret once the alignment is paid for. URL-safe characters are read as
   * their standard twins, so either alphabet (or a mix) matches. Three characters on each side of a
   * run are taken too, and the padding after it: the partial groups at its ends carry bits of the
   * secret's first and last bytes.
   */
  BASE64(8, 3) {
    @Override
    List<String> forms(byte[] secret) {
      List<String> cores = new ArrayList<>(3);
      for (int offset = 0; offset < 3; offset++) {
        byte[] shifted = new byte[offset + secret.length];
        System.arraycopy(secret, 0, shifted, offset, secret.length);
        String encoded = Base64.getEncoder().withoutPadding().encodeToString(shifted);
        int start = offset == 0 ? 0 : 4;
        int end = (shifted.length / 3) * 4;
        if (end - start >= window) {
          cores.add(encoded.substring(start, end));
        }
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
  };

  /** What {@link #map} answers for a character that cannot be part of the encoding. */
  static final int NOT_IN_ALPHABET = -1;

  /** How many consecutive characters of an encoded form count as a piece of the secret. */
  final int window;

  /** How many characters of the encoding beside a matched run are taken with it. */
  final int edge;

  SecretEncoding(int window, int edge) {
    this.window = window;
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
}
