package com.infrafabric.platform.auth;

import com.nimbusds.jose.util.Base64URL;

/**
 * The form of a compact JWS (RFC 7515, section 7.1) as its signer wrote it: three segments of
 * unpadded base64url, separated by dots, each the one encoding of its bytes. Nimbus decodes
 * leniently (padding, the standard alphabet's {@code +/}, white space and stray low bits all
 * decode), so one signed object has many spellings that verify alike; a spelling that differs is
 * refused before it is parsed, so a token or a contract is only ever read, remembered or compared
 * as signed.
 */
public final class CompactJws {

  private CompactJws() {}

  /** True if {@code text} is three canonical unpadded base64url segments joined by dots. */
  public static boolean canonical(String text) {
    String[] segments = text.split("\\.", -1);
    if (segments.length != 3) {
      return false;
    }
    for (String segment : segments) {
      if (!segment.chars().allMatch(CompactJws::base64url)
          || !Base64URL.encode(new Base64URL(segment).decode()).toString().equals(segment)) {
        return false;
      }
    }
    return true;
  }

  private static boolean base64url(int c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }
}
