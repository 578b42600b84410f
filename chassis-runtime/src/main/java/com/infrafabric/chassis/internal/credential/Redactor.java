package com.infrafabric.chassis.internal.credential;

import io.vertx.core.json.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Removes secrets from text that flows back to a tool or into a log: the secret as sent, and the
 * forms a peer echoing it would plausibly use (JSON-escaped, URL-encoded, Base64 at any byte
 * alignment, hex). Each becomes {@value #MARK}.
 *
 * <p>This is a second line of defence. The first is that the secret only goes to origins the
 * operator allowed for it; a peer that transforms the secret in other ways (reverses it, splits it)
 * is outside what redaction can promise.
 */
public final class Redactor {

  /** What a redacted secret reads as. */
  public static final String MARK = "[REDACTED]";

  /** Shorter encoded forms would redact ordinary text by chance; the plain secret always counts. */
  private static final int MIN_ENCODED_FORM = 8;

  private static final Redactor NONE = new Redactor(List.of());

  private final List<String> forms;

  private Redactor(List<String> forms) {
    this.forms = forms;
  }

  /** Redacts nothing: for requests that carry no credential. */
  public static Redactor none() {
    return NONE;
  }

  /** Redacts each of {@code secrets} in every form it knows. */
  public static Redactor of(List<String> secrets) {
    Set<String> forms = new LinkedHashSet<>();
    for (String secret : secrets) {
      forms.add(secret);
      encodedForms(secret).stream().filter(f -> f.length() >= MIN_ENCODED_FORM).forEach(forms::add);
    }
    List<String> longestFirst = new ArrayList<>(forms);
    longestFirst.sort(Comparator.comparingInt(String::length).reversed());
    return new Redactor(List.copyOf(longestFirst));
  }

  /** {@code text} with every known form of every secret replaced by {@value #MARK}. */
  public String redact(String text) {
    String clean = text;
    for (String form : forms) {
      clean = clean.replace(form, MARK);
    }
    return clean;
  }

  private static List<String> encodedForms(String secret) {
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    List<String> forms = new ArrayList<>();
    String json = Json.encode(secret);
    forms.add(json.substring(1, json.length() - 1));
    forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
    forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"));
    forms.add(HexFormat.of().formatHex(bytes));
    forms.add(HexFormat.of().formatHex(bytes).toUpperCase(Locale.ROOT));
    for (int offset = 0; offset < 3; offset++) {
      forms.add(base64Core(Base64.getEncoder(), bytes, offset));
      forms.add(base64Core(Base64.getUrlEncoder(), bytes, offset));
    }
    return forms;
  }

  /**
   * The part of the Base64 encoding of {@code bytes} that is the same wherever in a longer text
   * they start, given {@code offset} bytes before them modulo 3: whole groups of four characters
   * computed from the secret's bytes alone.
   */
  private static String base64Core(Base64.Encoder encoder, byte[] bytes, int offset) {
    byte[] shifted = new byte[offset + bytes.length];
    System.arraycopy(bytes, 0, shifted, offset, bytes.length);
    String encoded = encoder.withoutPadding().encodeToString(shifted);
    int start = offset == 0 ? 0 : 4;
    int end = (shifted.length / 3) * 4;
    return start < end ? encoded.substring(start, end) : "";
  }
}
