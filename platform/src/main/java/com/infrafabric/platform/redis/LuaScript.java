package com.infrafabric.platform.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A Lua script run atomically by Redis, identified by the SHA-1 of its source so that it is sent
 * once and then called with {@code EVALSHA}.
 *
 * @param name short name used in metrics and errors, e.g. {@code reserve}
 * @param source the Lua source
 * @param sha1 lowercase hex SHA-1 of the source, as Redis computes it
 */
public record LuaScript(String name, String source, String sha1) {

  public LuaScript {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(sha1, "sha1");
  }

  /** Creates a script from its source, computing the SHA-1 Redis will know it by. */
  public static LuaScript of(String name, String source) {
    return new LuaScript(name, source, sha1Hex(source));
  }

  /**
   * Loads {@code lua/<name>.lua} from the class path of {@code anchor}'s module.
   *
   * @throws IllegalStateException if the resource is missing, so a packaging mistake fails at start
   *     rather than at the first request
   */
  public static LuaScript fromResource(Class<?> anchor, String name) {
    String path = "/lua/" + name + ".lua";
    try (InputStream in = anchor.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("Lua script " + path + " is missing from the class path");
      }
      return of(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Lua script " + path, e);
    }
  }

  private static String sha1Hex(String source) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(sha1.digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-1", e);
    }
  }

  @Override
  public String toString() {
    return "LuaScript[" + name + ", sha1=" + sha1 + ']';
  }
}
