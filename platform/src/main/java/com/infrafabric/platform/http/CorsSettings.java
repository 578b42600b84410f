package com.infrafabric.platform.http;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which browser origins may call the service. Empty (the default) turns CORS off: no CORS header is
 * ever sent. A wildcard is refused, since the API is authenticated and callers are known.
 *
 * @param allowedOrigins exact origins such as {@code https://console.example.com}
 */
public record CorsSettings(List<String> allowedOrigins) {

  private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?");

  public CorsSettings {
    allowedOrigins = List.copyOf(allowedOrigins);
    for (String origin : allowedOrigins) {
      if (origin.contains("*")) {
        throw new IllegalArgumentException(
            "http.cors.allowedOrigins must list exact origins; '*' is not allowed");
      }
      if (!ORIGIN.matcher(origin).matches()) {
        throw new IllegalArgumentException(
            "http.cors.allowedOrigins entry '"
                + origin
                + "' is not an origin like https://console.example.com");
      }
    }
  }

  public static CorsSettings disabled() {
    return new CorsSettings(List.of());
  }

  public static CorsSettings allow(String... origins) {
    return new CorsSettings(List.of(origins));
  }

  public boolean enabled() {
    return !allowedOrigins.isEmpty();
  }
}
