package com.infrafabric.platform.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks a Redis server for {@code PING} over a raw socket, without any client library: used to learn
 * when a freshly started server is ready, before the application's client connects.
 */
final class RespProbe {

  private RespProbe() {}

  /** Returns null if the server answered PONG, otherwise what went wrong (never the password). */
  static String ping(RedisEndpoint endpoint, Duration timeout) {
    int millis = (int) timeout.toMillis();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), millis);
      socket.setSoTimeout(millis);
      OutputStream out = socket.getOutputStream();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      if (endpoint.password() != null) {
        out.write(command("AUTH", endpoint.password()));
        String auth = in.readLine();
        if (!"+OK".equals(auth)) {
          return "AUTH refused";
        }
      }
      out.write(command("PING"));
      String reply = in.readLine();
      return "+PONG".equals(reply) ? null : "PING answered " + reply;
    } catch (IOException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  /** One command as a client sends it in RESP: an array of bulk strings. */
  static byte[] command(String... parts) {
    StringBuilder resp = new StringBuilder().append('*').append(parts.length).append("\r\n");
    for (String part : parts) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      resp.append('$').append(bytes.length).append("\r\n").append(part).append("\r\n");
    }
    return resp.toString().getBytes(StandardCharsets.UTF_8);
  }
}
