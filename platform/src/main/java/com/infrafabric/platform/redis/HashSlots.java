package com.infrafabric.platform.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The hash slot Redis Cluster stores a key in: CRC16 (XMODEM) of the key, or of its hash tag (the
 * text between the first {@code {}} and the next {@code }}, when not empty), modulo 16384. All keys
 * one command or script touches must share a slot; our keys share a tenant's tag ({@code {acme}}).
 */
final class HashSlots {

  static final int COUNT = 16_384;

  private HashSlots() {}

  /** The slot of {@code key}. */
  static int of(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    int open = indexOf(bytes, (byte) '{', 0);
    if (open >= 0) {
      int close = indexOf(bytes, (byte) '}', open + 1);
      if (close > open + 1) {
        return crc16(bytes, open + 1, close) % COUNT;
      }
    }
    return crc16(bytes, 0, bytes.length) % COUNT;
  }

  /**
   * The one slot all of {@code keys} share.
   *
   * @throws IllegalArgumentException naming two keys in different slots: a command that touches
   *     them cannot run on a cluster ({@code CROSSSLOT}), which is a bug in the caller
   */
  static int shared(String operation, List<String> keys) {
    int slot = of(keys.get(0));
    for (String key : keys) {
      if (of(key) != slot) {
        throw new IllegalArgumentException(
            operation + " touches " + keys.get(0) + " and " + key + " in different hash slots");
      }
    }
    return slot;
  }

  private static int indexOf(byte[] bytes, byte wanted, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  /** CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0, as the Redis Cluster spec gives. */
  private static int crc16(byte[] bytes, int from, int to) {
    int crc = 0;
    for (int i = from; i < to; i++) {
      crc ^= (bytes[i] & 0xff) << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
    }
    return crc & 0xffff;
  }
}
