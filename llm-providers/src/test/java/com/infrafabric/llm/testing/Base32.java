package com.infrafabric.llm.testing;

import java.io.ByteArrayOutputStream;

/**
 * RFC 4648 Base32 in its two alphabets, for tests that write a secret as an origin would and decode
 * what is left as a thief would; written apart from the redactor's own encoder so as to check it.
 */
public enum Base32 {
  STANDARD("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
  HEX("0123456789ABCDEFGHIJKLMNOPQRSTUV");

  private final String alphabet;

  Base32(String alphabet) {
    this.alphabet = alphabet;
  }

  /** With padding to a whole group of 8 characters. */
  public String encode(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < bytes.length; i += 5) {
      int taken = Math.min(5, bytes.length - i);
      long group = 0;
      for (int j = 0; j < 5; j++) {
        group = group << 8 | (j < taken ? bytes[i + j] & 0xff : 0);
      }
      int chars = (taken * 8 + 4) / 5;
      for (int k = 0; k < 8; k++) {
        out.append(k < chars ? alphabet.charAt((int) (group >>> (35 - 5 * k)) & 31) : '=');
      }
    }
    return out.toString();
  }

  /** Whole bytes of the characters of this alphabet at the start of {@code run}. */
  public byte[] decode(String run) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int bits = 0;
    int pending = 0;
    for (char c : run.toCharArray()) {
      int value = alphabet.indexOf(c);
      if (value < 0) {
        break;
      }
      bits = bits << 5 | value;
      pending += 5;
      if (pending >= 8) {
        pending -= 8;
        out.write(bits >>> pending & 0xff);
      }
    }
    return out.toByteArray();
  }
}
