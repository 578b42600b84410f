package com.infrafabric.platform.http;

/**
 * Maps a service's own exceptions to the {@link ApiException} its clients see, so route handlers
 * can throw (or fail a request with) the domain exception as it is. The failure handler applies it
 * to every failure before anything else.
 */
@FunctionalInterface
public interface ErrorTranslator {

  /**
   * The API error for {@code failure}, or {@code failure} itself when it is not one of the
   * service's own (the platform then renders it: unavailable Redis as 503, anything unknown as
   * 500).
   */
  Throwable translate(Throwable failure);

  /** Translates nothing: for services whose handlers fail with {@link ApiException} only. */
  static ErrorTranslator none() {
    return failure -> failure;
  }
}
