package com.infrafabric.governor.tenant;

/**
 * Checks for lowercase hexadecimal text, the form {@link java.util.HexFormat#of()} writes digests
 * and random tokens in. A loop rather than a regular expression: ids and keys are checked on every
 * request of the charge path, where the matchers showed in a profile.
 */
final class LowerHex {

  private LowerHex() {}

  /** True if {@code text} from {@code start} to its end is exactly {@code digits} hex digits. */
  static boolean isDigits(String text, int start, int digits) {
    if (text.length() - start != digits) {
      return false;
    }
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
