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
 * @param args the script's ARGV, whose {@link ScriptArgs#luaConstants() constants} begin the source
 */
public record LuaScript(String name, String source, String sha1, ScriptArgs args) {

  public LuaScript {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(sha1, "sha1");
    Objects.requireNonNull(args, "args");
  }

  /** Creates a script without arguments from its source. */
  public static LuaScript of(String name, String source) {
    return of(name, source, ScriptArgs.NONE);
  }

  /**
   * Creates a script from its source, preceded by the constants of {@code args}, computing the
   * SHA-1 Redis will know it by.
   */
  public static LuaScript of(String name, String source, ScriptArgs args) {
    return of(name, "", source, args);
  }

  /**
   * As {@link #of(String, String, ScriptArgs)}, with {@code declarations} first: constants the
   * script shares with its Java side, declared before anything else.
   */
  public static LuaScript of(String name, String declarations, String source, ScriptArgs args) {
    String full = declarations + args.luaConstants() + source;
    return new LuaScript(name, full, sha1Hex(full), args);
  }

  /** Loads {@code lua/<path>.lua} (a script without arguments); see {@link #text}. */
  public static LuaScript fromResource(Class<?> anchor, String path) {
    return fromResource(anchor, path, ScriptArgs.NONE);
  }

  /**
   * Loads {@code lua/<path>.lua} from the class path of {@code anchor}'s module, preceded by the
   * constants of {@code args}. {@code path} names the module's own folder ({@code
   * governor/budget/reserve}), so that modules packed into one jar never share a file name; the
   * script is named by the file ({@code reserve}) in metrics and errors.
   */
  public static LuaScript fromResource(Class<?> anchor, String path, ScriptArgs args) {
    return of(path.substring(path.lastIndexOf('/') + 1), text(anchor, path), args);
  }

  /**
   * The text of {@code lua/<path>.lua} from the class path of {@code anchor}'s module.
   *
   * @throws IllegalStateException if the resource is missing, so a packaging mistake fails at start
   *     rather than at the first request
   */
  public static String text(Class<?> anchor, String path) {
    String resource = "/lua/" + path + ".lua";
    try (InputStream in = anchor.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "Lua script " + resource + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Lua script " + resource, e);
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
