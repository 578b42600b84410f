package com.infrafabric.chassis.internal.egress;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The charset an answer declares in its {@code content-type}, judged by whether the redactor can
 * read a secret written in it. The redactor reads bytes one character each and drops NULs, so it
 * reads every charset that writes each visible ASCII character as that byte, alone or with NULs
 * beside it: UTF-8, ASCII, the ISO-8859 and Windows code pages, UTF-16 and UTF-32. A secret in any
 * other (EBCDIC, a charset this JVM does not know) would pass it unseen.
 */
final class BodyCharset {

  private static final String VISIBLE_ASCII = visibleAscii();

  private BodyCharset() {}

  /** The charset {@code headers} declare, if any and if the redactor cannot read it. */
  static Optional<String> opaque(Map<String, String> headers) {
    return declared(headers.getOrDefault("content-type", "")).filter(name -> !readable(name));
  }

  private static Optional<String> declared(String contentType) {
    for (String parameter : contentType.split(";")) {
      String[] pair = parameter.split("=", 2);
      if (pair.length == 2 && pair[0].trim().toLowerCase(Locale.ROOT).equals("charset")) {
        return Optional.of(pair[1].trim().replace("\"", ""));
      }
    }
    return Optional.empty();
  }

  private static boolean readable(String name) {
    Charset charset;
    try {
      charset = Charset.forName(name);
    } catch (IllegalCharsetNameException | UnsupportedCharsetException unknown) {
      return false;
    }
    if (!charset.canEncode()) {
      return false;
    }
    byte[] written = VISIBLE_ASCII.getBytes(charset);
    return new String(written, StandardCharsets.ISO_8859_1)
        .replace("\0", "")
        .contains(VISIBLE_ASCII);
  }

  private static String visibleAscii() {
    StringBuilder ascii = new StringBuilder();
    for (char c = '!'; c <= '~'; c++) {
      ascii.append(c);
    }
    return ascii.toString();
  }
}
