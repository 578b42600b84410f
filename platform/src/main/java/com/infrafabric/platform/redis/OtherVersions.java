package com.infrafabric.platform.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Deletes from one server the function libraries of other versions of the functions a service loads
 * ({@link LuaScript#isOtherVersion}), which Redis would otherwise keep for good, one set per deploy
 * that changed a script.
 *
 * <p>Deleting a version another node still runs (a rolling deploy) is safe: that node's next call
 * finds its function missing and loads it again, as after a {@code FUNCTION FLUSH}, and what it
 * loads again stays until a node of another version next starts. Libraries of any other name are
 * never touched.
 */
final class OtherVersions {

  private static final String LIBRARY_NAME = "library_name";
  private static final String NOT_FOUND = "ERR Library not found";

  private OtherVersions() {}

  /** Lists the server's libraries and deletes those of other versions of {@code current}. */
  static Future<Void> delete(RedisConnection connection, Collection<LuaScript> current) {
    if (current.stream().noneMatch(script -> script.kind() == LuaScript.Kind.FUNCTION)) {
      return Future.succeededFuture();
    }
    return connection
        .send(Request.cmd(Command.FUNCTION).arg("LIST"))
        .compose(
            libraries ->
                Future.all(
                        in(libraries, current).stream()
                            .map(library -> deleteLibrary(connection, library))
                            .toList())
                    .mapEmpty());
  }

  /**
   * The names in a {@code FUNCTION LIST} reply that are other versions of {@code current}'s
   * functions and none of its own (a service may load two versions of one function at once).
   */
  static List<String> in(Response libraries, Collection<LuaScript> current) {
    return names(libraries).stream()
        .filter(name -> current.stream().noneMatch(script -> script.id().equals(name)))
        .filter(name -> current.stream().anyMatch(script -> script.isOtherVersion(name)))
        .toList();
  }

  /** The library names in a {@code FUNCTION LIST} reply. */
  private static List<String> names(Response libraries) {
    List<String> names = new ArrayList<>();
    for (Response library : libraries) {
      names.add(name(library));
    }
    return names;
  }

  /** A library's name in its {@code FUNCTION LIST} entry (a map, or in RESP2 its pairs). */
  private static String name(Response library) {
    Response name = library.get(LIBRARY_NAME);
    if (name == null) {
      throw new IllegalStateException("a FUNCTION LIST entry without a library_name: " + library);
    }
    return name.toString();
  }

  /** Deletes one library; one already gone (another node deleted it first) is not a failure. */
  private static Future<Void> deleteLibrary(RedisConnection connection, String library) {
    return connection
        .send(Request.cmd(Command.FUNCTION).arg("DELETE").arg(library))
        .<Void>mapEmpty()
        .recover(
            failure ->
                failure.toString().startsWith(NOT_FOUND)
                    ? Future.succeededFuture()
                    : Future.failedFuture(failure));
  }
}
