package com.infrafabric.governor.tenant;

import com.infrafabric.governor.tenant.Spend.Fixed;
import com.infrafabric.governor.tenant.Spend.Metered;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A SHA-256 over the fields that define a request, stored beside its idempotency key: the same key
 * with the same fingerprint is a retry, with another fingerprint a conflict.
 */
public final class Fingerprint {

  private Fingerprint() {}

  public static String of(String operation, Object... fields) {
    StringBuilder canonical = new StringBuilder(operation);
    for (Object field : fields) {
      canonical.append('\n').append(field instanceof Spend spend ? canonical(spend) : field);
    }
    return digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The SHA-256 of {@code bytes}, in hex: a field of a fingerprint too long to carry whole. */
  public static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }

  private static String canonical(Spend spend) {
    if (spend instanceof Fixed fixed) {
      return "amount " + fixed.micros() + ' ' + canonical(fixed.usage());
    }
    Metered metered = (Metered) spend;
    return "model " + metered.model() + ' ' + canonical(metered.usage());
  }

  private static String canonical(TokenUsage usage) {
    return usage.inputTokens() + " " + usage.cachedInputTokens() + " " + usage.outputTokens();
  }
}
