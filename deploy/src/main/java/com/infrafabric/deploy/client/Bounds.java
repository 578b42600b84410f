package com.infrafabric.deploy.client;

/** Checks a number the caller typed against the range the service takes it in. */
final class Bounds {

  private Bounds() {}

  /**
   * Refuses {@code value} outside {@code min..max}.
   *
   * @throws IllegalArgumentException naming {@code option}, the value and the range
   */
  static void within(String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(option + " " + value + " is outside " + min + ".." + max);
    }
  }
}
