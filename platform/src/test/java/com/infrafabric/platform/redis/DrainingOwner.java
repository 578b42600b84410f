package com.infrafabric.platform.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An owner with a shutdown sequence of its own, as the launcher's: started, it prints its
 * redis-server's pid and waits for SIGTERM; its shutdown hook then drains (waits a while, as
 * requests in flight would), writes what the drain settled, prints Redis's answer to that write and
 * only then stops the server.
 */
public final class DrainingOwner {

  private DrainingOwner() {}

  public static void main(String[] args) throws Exception {
    ManagedRedisServer server =
        ManagedRedisServer.builder(Path.of(args[0])).stoppedByOwnerOnExit().build().start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    Thread.sleep(Long.parseLong(args[1]));
                    System.out.println("settled " + set(server.endpoint(), "settled", "yes"));
                  } catch (InterruptedException | IOException e) {
                    System.out.println("settled failed: " + e);
                  }
                  System.out.flush();
                  server.stop();
                  stopped.countDown();
                }));
    System.out.println(server.pid());
    System.out.flush();
    stopped.await(5, TimeUnit.MINUTES);
  }

  /** {@code SET key value} over a raw socket; Redis's answer, or null if the connection closed. */
  static String set(RedisEndpoint endpoint, String key, String value) throws IOException {
    try (Socket socket = new Socket(endpoint.host(), endpoint.port())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      out.write(RespProbe.command("AUTH", endpoint.password()));
      in.readLine();
      out.write(RespProbe.command("SET", key, value));
      return in.readLine();
    }
  }
}
