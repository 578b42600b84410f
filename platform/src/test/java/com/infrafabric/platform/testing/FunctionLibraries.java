package com.infrafabric.platform.testing;

import com.infrafabric.platform.redis.RedisStore;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis function libraries as tests set them up and read them back: a library of a given name (one
 * function of the same name that returns 1), as another version of a service or another application
 * would have left it, and the names of those a server holds.
 */
public final class FunctionLibraries {

  private FunctionLibraries() {}

  /** Loads a library named {@code name} with one function of that name. */
  public static void load(RedisStore store, String name) {
    Await.result(
        store.send(
            Request.cmd(Command.FUNCTION)
                .arg("LOAD")
                .arg(
                    "#!lua name="
                        + name
                        + "\nredis.register_function('"
                        + name
                        + "', function() return 1 end)")));
  }

  /** The names of the libraries the server holds. */
  public static List<String> names(RedisStore store) {
    List<String> names = new ArrayList<>();
    for (Response library : Await.result(store.send(Request.cmd(Command.FUNCTION).arg("LIST")))) {
      names.add(library.get("library_name").toString());
    }
    return names;
  }
}
