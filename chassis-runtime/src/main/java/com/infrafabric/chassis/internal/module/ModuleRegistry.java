package com.infrafabric.chassis.internal.module;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.ToolConflictException;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.VersionPrecedence;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.RedisUnavailableException;
import com.infrafabric.platform.redis.ScriptArgs;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Durable store of tool versions and module bytes in Redis. Modules are stored once per digest (in
 * base64) and removed with the last version using them. All keys share the hash tag {@code
 * {chassis}} so the scripts run on Redis Cluster. Futures complete on an event loop.
 *
 * <p>A module reaches Redis before its registration, in pieces of {@value #UPLOAD_PIECE} base64
 * characters appended to a key of its own that expires, and the registration script, still one
 * atomic step, renames that key to the module's. The script itself once took the whole module as an
 * argument: three 8 MiB publications at once held the Redis every tenant and the governor share for
 * over a second (their own answers and the governor's sweeps timed out). A piece keeps any one
 * command short; a publication abandoned halfway leaves a key that expires.
 */
public final class ModuleRegistry {

  private static final String PREFIX = "{chassis}:";
  private static final String TOOLS = PREFIX + "tools";

  /**
   * The most base64 characters one command of an upload carries: well under a millisecond's copy.
   */
  static final int UPLOAD_PIECE = 1 << 20;

  /**
   * How long an upload's key lives: longer than any registration takes once its upload is done, so
   * the script finds it, and short enough that an abandoned one does not hold memory for long.
   */
  private static final Duration UPLOAD_TTL = Duration.ofMinutes(5);

  private static final LuaScript REGISTER =
      moduleScript(
          "chassis_register",
          ScriptArgs.of(
              "ref",
              "digest",
              "contract",
              "terms",
              "publisher",
              "kid",
              "registered_at",
              "module_chars",
              "module_size",
              "version",
              "precedence",
              "tool_key_prefix"));
  private static final LuaScript DELETE =
      moduleScript("chassis_delete", ScriptArgs.of("ref", "digest"));

  private final RedisStore redis;

  /** The Lua scripts the registry runs. */
  public static List<LuaScript> scripts() {
    return List.of(REGISTER, DELETE);
  }

  public ModuleRegistry(RedisStore redis) {
    this.redis = redis;
  }

  /**
   * Stores a verified tool version.
   *
   * @param terms the contract's {@link com.infrafabric.chassis.internal.contract.ContractTerms}:
   *     the same terms signed again replace the stored signature
   * @param publisher the publisher whose key signed the contract: the tool's name becomes its if no
   *     publisher owns it yet
   * @param keyId the {@code kid} of that key
   * @return the stored record; fails with {@link ToolConflictException} if another publisher owns
   *     the name ({@link ErrorCode#TOOL_OWNED_BY_ANOTHER_PUBLISHER}), the version exists with
   *     another module or other terms, or another version of the tool, deleted or not, has the same
   *     {@link VersionPrecedence}
   */
  public Future<StoredTool> store(
      ToolRef ref,
      ModuleDigest digest,
      byte[] module,
      String jws,
      String terms,
      String publisher,
      String keyId,
      Instant now) {
    String encoded = Base64.getEncoder().encodeToString(module);
    String upload = PREFIX + "upload:" + UUID.randomUUID();
    List<String> keys =
        List.of(
            toolKey(ref),
            moduleKey(digest),
            TOOLS,
            refsKey(digest),
            precedenceKey(ref),
            publisherKey(ref),
            upload);
    return upload(upload, encoded)
        .compose(
            uploaded ->
                redis.eval(
                    REGISTER,
                    keys,
                    REGISTER
                        .args()
                        .values()
                        .put("ref", ref.toString())
                        .put("digest", digest.hex())
                        .put("contract", jws)
                        .put("terms", terms)
                        .put("publisher", publisher)
                        .put("kid", keyId)
                        .put("registered_at", now.toEpochMilli())
                        .put("module_chars", encoded.length())
                        .put("module_size", module.length)
                        .put("version", ref.version())
                        .put("precedence", VersionPrecedence.of(ref.version()).key())
                        .put("tool_key_prefix", toolKeyPrefix(ref))
                        .list()))
        .map(
            reply -> {
              if (reply.type() == ResponseType.MULTI && reply.get(0).toInteger() == -5) {
                throw RedisUnavailableException.notApplied(
                    "the module's upload expired before its registration ran; nothing was"
                        + " registered",
                    null);
              }
              if (reply.type() == ResponseType.MULTI && reply.get(0).toInteger() == -4) {
                throw new ToolConflictException(
                    ErrorCode.TOOL_OWNED_BY_ANOTHER_PUBLISHER,
                    "tool "
                        + ref.name()
                        + " belongs to publisher "
                        + reply.get(1)
                        + "; a contract signed by key "
                        + keyId
                        + " (of publisher "
                        + publisher
                        + ") cannot add or re-sign its versions");
              }
              if (reply.type() == ResponseType.MULTI) {
                throw new ToolConflictException(
                    ErrorCode.TOOL_VERSION_CONFLICT,
                    "tool "
                        + ref
                        + " has the same precedence as version "
                        + reply.get(1)
                        + ", registered before it (versions differing only in leading zeros,"
                        + " trailing .0 or build metadata are one version)");
              }
              long registeredAt = reply.toLong();
              if (registeredAt == -2) {
                throw new ToolConflictException(
                    ErrorCode.TOOL_VERSION_CONFLICT,
                    "tool "
                        + ref
                        + " was deleted; the version comes back only with its module and"
                        + " contract terms, never other code under the same name and version");
              }
              if (registeredAt < 0) {
                throw new ToolConflictException(
                    ErrorCode.TOOL_VERSION_CONFLICT,
                    "tool " + ref + " is already registered with a different module or contract");
              }
              return new StoredTool(
                  ref, digest, jws, module.length, Instant.ofEpochMilli(registeredAt));
            });
  }

  /**
   * Appends {@code encoded} to {@code key} a piece at a time, in order; the first piece sets the
   * key's expiry. Nothing is registered yet, so a failure is "not applied" whatever became of the
   * pieces sent.
   */
  private Future<Void> upload(String key, String encoded) {
    Future<Response> sent =
        redis.send(
            key,
            Request.cmd(Command.SET)
                .arg(key)
                .arg(encoded.substring(0, Math.min(UPLOAD_PIECE, encoded.length())))
                .arg("PX")
                .arg(UPLOAD_TTL.toMillis()));
    for (int from = UPLOAD_PIECE; from < encoded.length(); from += UPLOAD_PIECE) {
      String piece = encoded.substring(from, Math.min(from + UPLOAD_PIECE, encoded.length()));
      sent =
          sent.compose(
              appended -> redis.send(key, Request.cmd(Command.APPEND).arg(key).arg(piece)));
    }
    return sent.<Void>mapEmpty()
        .recover(
            failure ->
                Future.failedFuture(
                    failure instanceof RedisUnavailableException
                        ? RedisUnavailableException.notApplied(
                            "the module could not be uploaded; nothing was registered", failure)
                        : failure));
  }

  public Future<Optional<StoredTool>> tool(ToolRef ref) {
    return redis
        .send(toolKey(ref), Request.cmd(Command.HGETALL).arg(toolKey(ref)))
        .map(
            reply ->
                reply.size() == 0 || reply.containsKey("deleted")
                    ? Optional.empty()
                    : Optional.of(record(ref, reply)));
  }

  /** The module bytes stored under {@code digest}, or empty if there are none. */
  public Future<Optional<byte[]>> module(ModuleDigest digest) {
    return redis
        .send(moduleKey(digest), Request.cmd(Command.GET).arg(moduleKey(digest)))
        .map(
            reply -> Optional.ofNullable(reply).map(r -> Base64.getDecoder().decode(r.toString())));
  }

  /** All registered versions, sorted by name and version. */
  public Future<List<ToolRef>> refs() {
    return redis
        .send(TOOLS, Request.cmd(Command.SMEMBERS).arg(TOOLS))
        .map(
            reply -> {
              List<ToolRef> refs = new ArrayList<>();
              reply.forEach(item -> refs.add(ToolRef.parse(item.toString())));
              refs.sort(ToolRef.ORDER);
              return refs;
            });
  }

  /** Deletes a version; true if it existed. */
  public Future<Boolean> delete(ToolRef ref) {
    return tool(ref)
        .compose(
            stored -> {
              if (stored.isEmpty()) {
                return Future.succeededFuture(false);
              }
              ModuleDigest digest = stored.get().digest();
              return redis
                  .eval(
                      DELETE,
                      List.of(toolKey(ref), TOOLS, refsKey(digest), moduleKey(digest)),
                      DELETE
                          .args()
                          .values()
                          .put("ref", ref.toString())
                          .put("digest", digest.hex())
                          .list())
                  .map(reply -> reply.toInteger() == 1);
            });
  }

  private static StoredTool record(ToolRef ref, Response hash) {
    return new StoredTool(
        ref,
        new ModuleDigest(hash.get("digest").toString()),
        hash.get("contract").toString(),
        hash.get("size").toInteger(),
        Instant.ofEpochMilli(hash.get("registeredAt").toLong()));
  }

  private static LuaScript moduleScript(String name, ScriptArgs args) {
    return LuaScript.fromResource(ModuleRegistry.class, "chassis/module/" + name, args);
  }

  private static String toolKey(ToolRef ref) {
    return toolKeyPrefix(ref) + ref.version();
  }

  /** The key of each version of the tool, less the version. */
  private static String toolKeyPrefix(ToolRef ref) {
    return PREFIX + "tool:" + ref.name() + "@";
  }

  /** Each precedence key of the tool's versions, deleted ones too, to the version holding it. */
  private static String precedenceKey(ToolRef ref) {
    return PREFIX + "precedence:" + ref.name();
  }

  /** The publisher that owns the tool's name, for all its versions, deleted ones too. */
  private static String publisherKey(ToolRef ref) {
    return PREFIX + "publisher:" + ref.name();
  }

  private static String moduleKey(ModuleDigest digest) {
    return PREFIX + "module:" + digest.hex();
  }

  private static String refsKey(ModuleDigest digest) {
    return PREFIX + "refs:" + digest.hex();
  }
}
