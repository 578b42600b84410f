package com.infrafabric.platform.redis;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Lua script run atomically by Redis, sent once and then called by an identifier derived from its
 * source: either a {@link Kind#SCRIPT script}, called with {@code EVALSHA}, or a {@link
 * Kind#FUNCTION function} of its own library, called with {@code FCALL}.
 *
 * @param name short name used in metrics and errors, e.g. {@code reserve}
 * @param source the Lua source, as Redis is sent it ({@code EVAL} or {@code FUNCTION LOAD})
 * @param id what Redis calls it by: a script's lowercase hex SHA-1 of its source, as Redis computes
 *     it; a function's name, which is also its library's: {@code <name>_<SHA-1 of its code>}
 * @param args the script's ARGV, whose {@link ScriptArgs#luaConstants() constants} the source
 *     declares before its code
 * @param kind how Redis keeps and runs it
 */
public record LuaScript(String name, String source, String id, ScriptArgs args, Kind kind) {

  /**
   * The chunk before a function's library code: {@code KEYS} and {@code ARGV} as locals its
   * function sets first on every call, and {@code on_call(f)}, which library code that prepares
   * per-call state from them (it cannot at load time) registers {@code f} with, run in order before
   * the body on every call.
   */
  private static final String FUNCTION_PRELUDE =
      """
      local KEYS, ARGV
      local CALL_STARTS = {}
      local function on_call(start) CALL_STARTS[#CALL_STARTS + 1] = start end
      """;

  private static final int SHA1_HEX_LENGTH = 40;
  private static final Pattern SHA1_HEX = Pattern.compile("[0-9a-f]{" + SHA1_HEX_LENGTH + "}");

  /** What Redis accepts in the name of a library or function. */
  private static final Pattern FUNCTION_NAME = Pattern.compile("[A-Za-z0-9_]+");

  public LuaScript {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(kind, "kind");
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
    return new LuaScript(name, full, sha1Hex(full), args, Kind.SCRIPT);
  }

  /**
   * A function of its own library: {@code declarations}, the constants of {@code args} and {@code
   * library} run once, when Redis loads the library, and {@code body} on every call, as a script
   * would (it reads {@code KEYS} and {@code ARGV}, and returns its reply). What the library creates
   * (its functions and constant tables) is therefore made once per server, not once per call as in
   * a script; library code that needs the call's arguments registers with {@code on_call}.
   *
   * <p>The library and its function are both named {@code <name>_<sha1>}, by the SHA-1 of their
   * code: two versions of a service running side by side (a rolling deploy) call each their own,
   * and loading one again ({@code FUNCTION LOAD REPLACE}) never changes what another calls.
   */
  public static LuaScript function(
      String name, String declarations, String library, String body, ScriptArgs args) {
    if (!FUNCTION_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "function name " + name + " has characters other than letters, digits and _");
    }
    String code =
        FUNCTION_PRELUDE
            + declarations
            + args.luaConstants()
            + library
            + "\nlocal function call(call_keys, call_args)\n"
            + "  KEYS, ARGV = call_keys, call_args\n"
            + "  for i = 1, #CALL_STARTS do CALL_STARTS[i]() end\n"
            + body
            + "\nend\n";
    String function = name + '_' + sha1Hex(code);
    String source =
        "#!lua name="
            + function
            + '\n'
            + code
            + "redis.register_function('"
            + function
            + "', call)\n";
    return new LuaScript(name, source, function, args, Kind.FUNCTION);
  }

  /**
   * True if {@code library} is another version of this function's library: {@code <name>_<SHA-1>}
   * with a SHA-1 other than this one's. Libraries outlive the service that loaded them (Redis keeps
   * them in its RDB and AOF), so {@link RedisStore#deleteOtherVersions} deletes these: otherwise
   * every deploy that changed a script would leave its libraries in Redis for good.
   */
  boolean isOtherVersion(String library) {
    return kind == Kind.FUNCTION
        && !library.equals(id)
        && library.length() == name.length() + 1 + SHA1_HEX_LENGTH
        && library.startsWith(name + '_')
        && SHA1_HEX.matcher(library.substring(name.length() + 1)).matches();
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
    return "LuaScript[" + name + ", " + kind + ", id=" + id + ']';
  }

  /** How Redis keeps a script and runs it: what {@link RedisStore} sends for each. */
  public enum Kind {
    /**
     * Cached by SHA-1 ({@code SCRIPT LOAD}), run with {@code EVALSHA}: the whole chunk per call.
     */
    SCRIPT {
      @Override
      Request call(LuaScript script, List<String> keys, List<String> args) {
        return invocation(Command.EVALSHA, script.id(), keys, args);
      }

      @Override
      Request load(LuaScript script) {
        return Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.source());
      }

      @Override
      boolean isMissing(Response error) {
        return error.toString().startsWith("NOSCRIPT");
      }

      @Override
      Request exists(LuaScript script) {
        return Request.cmd(Command.SCRIPT).arg("EXISTS").arg(script.id());
      }

      @Override
      boolean exists(Response reply) {
        return reply.get(0).toInteger() == 1;
      }
    },

    /**
     * A function of its own library ({@code FUNCTION LOAD}, kept in the RDB and AOF and sent to
     * replicas), run with {@code FCALL}: only the function's body per call.
     */
    FUNCTION {
      @Override
      Request call(LuaScript script, List<String> keys, List<String> args) {
        return invocation(Command.FCALL, script.id(), keys, args);
      }

      @Override
      Request load(LuaScript script) {
        return Request.cmd(Command.FUNCTION).arg("LOAD").arg("REPLACE").arg(script.source());
      }

      @Override
      boolean isMissing(Response error) {
        return error.toString().startsWith("ERR Function not found");
      }

      @Override
      Request exists(LuaScript script) {
        return Request.cmd(Command.FUNCTION).arg("LIST").arg("LIBRARYNAME").arg(script.id());
      }

      @Override
      boolean exists(Response reply) {
        return reply.size() > 0;
      }
    };

    /** The command that runs {@code script}, once the server has it. */
    abstract Request call(LuaScript script, List<String> keys, List<String> args);

    /** The command that gives the server {@code script} without running it. */
    abstract Request load(LuaScript script);

    /** True if {@code error} (an error reply to {@link #call}) says the server lacks the script. */
    abstract boolean isMissing(Response error);

    /** The command that asks whether the server has {@code script}. */
    abstract Request exists(LuaScript script);

    /** True if the reply to {@link #exists(LuaScript)} says the server has the script. */
    abstract boolean exists(Response reply);

    private static Request invocation(
        Command command, String id, List<String> keys, List<String> args) {
      Request request = Request.cmd(command).arg(id).arg(keys.size());
      keys.forEach(request::arg);
      args.forEach(request::arg);
      return request;
    }
  }
}
