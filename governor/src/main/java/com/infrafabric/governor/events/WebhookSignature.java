package com.infrafabric.governor.events;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook bodies so receivers can tell our events from forgeries and replays: the header
 * {@code X-InfraFabric-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}. A
 * receiver recomputes the HMAC, compares in constant time and rejects old timestamps.
 */
public final class WebhookSignature {

  public static final String HEADER = "X-InfraFabric-Signature";

  private WebhookSignature() {}

  public static String header(String secret, long unixSeconds, String body) {
    return "t=" + unixSeconds + ",v1=" + hmac(secret, unixSeconds + "." + body);
  }

  /** True if {@code header} is a valid signature of {@code body} under {@code secret}. */
  public static boolean verify(String secret, String header, String body) {
    if (header == null || !header.startsWith("t=") || !header.contains(",v1=")) {
      return false;
    }
    String timestamp = header.substring(2, header.indexOf(','));
    String given = header.substring(header.indexOf(",v1=") + 4);
    byte[] expected = hmac(secret, timestamp + "." + body).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.US_ASCII));
  }

  private static String hmac(String secret, String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every JDK provides HmacSHA256", e);
    }
  }
}
