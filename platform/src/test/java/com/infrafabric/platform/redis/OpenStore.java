package com.infrafabric.platform.redis;

import com.infrafabric.platform.testing.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;

/**
 * A Vert.x instance and a {@link RedisStore} on it for one test class, connected before it is
 * returned; {@link #close()} closes both.
 *
 * @param vertx the instance the store's client runs on
 * @param store the store
 * @param meters the store's command timers
 */
record OpenStore(Vertx vertx, RedisStore store, SimpleMeterRegistry meters)
    implements AutoCloseable {

  /** A script every store test can run: adds {@code ARGV[1]} to {@code KEYS[1]}. */
  static final LuaScript INCR_BY =
      LuaScript.of("incr_by", "return redis.call('INCRBY', KEYS[1], ARGV[1])");

  /**
   * A function every store test can run: adds {@code by} to {@code KEYS[1]}, times the entries its
   * library's per-call list holds, which is one unless that list outlived a call.
   */
  static final LuaScript ADD = add("");

  /**
   * {@link #ADD}, with {@code version} (a Lua comment) in its library: another version of the same
   * function.
   */
  static LuaScript add(String version) {
    return LuaScript.function(
        "add",
        "",
        version
            + """
            local SEEN
            on_call(function() SEEN = {} end)
            """,
        """
        SEEN[#SEEN + 1] = ARGV[ARG_BY]
        return redis.call('INCRBY', KEYS[1], #SEEN * ARGV[ARG_BY])
        """,
        ScriptArgs.of("by"));
  }

  static OpenStore open(RedisSettings settings) {
    Vertx vertx = Vertx.vertx();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RedisStore store = RedisStore.create(vertx, settings, meters);
    Await.eventually(store::roundTrip);
    return new OpenStore(vertx, store, meters);
  }

  @Override
  public void close() {
    store.close();
    vertx.close().await();
  }
}
