package com.infrafabric.platform.redis;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numbers Redis takes back from a client as cursors: a stream entry id ({@code <ms>-<seq>}) and
 * a {@code SCAN} cursor, each part an unsigned 64-bit decimal. Redis answers a part past
 * 2<sup>64</sup>-1 with an error, which would reach the caller as a failure of the store rather
 * than of its input; checking here first makes it the caller's 400.
 */
public final class RedisIds {

  private static final Pattern STREAM_ID = Pattern.compile("([0-9]{1,20})-([0-9]{1,20})");
  private static final Pattern UNSIGNED = Pattern.compile("[0-9]{1,20}");
  private static final String LARGEST = Long.toUnsignedString(-1L);

  private RedisIds() {}

  /**
   * Whether {@code text} is a stream entry id that a range can start after ({@code XRANGE key (<id>
   * +}): any id Redis accepts but the largest, after which Redis refuses to start.
   */
  public static boolean isStreamCursor(String text) {
    Matcher id = STREAM_ID.matcher(text);
    return id.matches()
        && fitsUnsigned64(id.group(1))
        && fitsUnsigned64(id.group(2))
        && !(id.group(1).equals(LARGEST) && id.group(2).equals(LARGEST));
  }

  /** Whether {@code text} is a {@code SCAN} cursor Redis accepts. */
  public static boolean isScanCursor(String text) {
    return UNSIGNED.matcher(text).matches() && fitsUnsigned64(text);
  }

  private static boolean fitsUnsigned64(String digits) {
    try {
      Long.parseUnsignedLong(digits);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
