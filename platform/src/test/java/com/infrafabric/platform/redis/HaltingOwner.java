package com.infrafabric.platform.redis;

import java.nio.file.Path;

/** Starts a server, prints its pid and halts without shutdown hooks, as a crashed owner would. */
public final class HaltingOwner {

  private HaltingOwner() {}

  public static void main(String[] args) {
    ManagedRedisServer server = ManagedRedisServer.builder(Path.of(args[0])).build().start();
    System.out.println(
        ProcessHandle.current()
            .children()
            .filter(child -> child.info().command().orElse("").contains("redis"))
            .findFirst()
            .orElseThrow()
            .pid());
    System.out.flush();
    Runtime.getRuntime().halt(3);
  }
}
