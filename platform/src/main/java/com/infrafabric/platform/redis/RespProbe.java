package com.infrafabric.platform.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Asks a Redis server for {@code PING} over a raw socket, without any client library: used to learn
 * when a freshly started server is ready, and whether what an endpoint names speaks Redis at all,
 * before the application's client connects.
 */
public final class RespProbe {

  /** The first byte of every RESP2 and RESP3 reply, an error included. */
  private static final String REPLY_TYPES = "+-:$*_,#!=(%~>|";

  private static final int QUOTED_CHARS = 40;

  private RespProbe() {}

  /**
   * Refuses an endpoint where a server answers, but not in RESP: a web server at the port a {@code
   * REDIS_URL} names, say. The Redis client would log its handshake's parse failure as an unhandled
   * error, stack trace and all, before the first command failed; this says it in one sentence
   * first. Any reply counts as Redis, {@code -NOAUTH} too, so no password is sent. A server that
   * does not answer within {@code timeout}, or one reached over TLS, is left to the client, whose
   * own failure says what happened.
   *
   * @throws IllegalArgumentException naming the address and how its answer began
   */
  public static void requireResp(RedisEndpoint endpoint, Duration timeout) {
    if (endpoint.tls()) {
      return;
    }
    for (RedisEndpoint.Address address : endpoint.addresses()) {
      firstLine(address, timeout)
          .filter(line -> line.isEmpty() || REPLY_TYPES.indexOf(line.charAt(0)) < 0)
          .ifPresent(
              line -> {
                throw new IllegalArgumentException(
                    "the server at "
                        + address
                        + " is not Redis: it answered PING with \""
                        + quoted(line)
                        + "\"");
              });
    }
  }

  /** The first line a server at {@code address} answers a PING with; empty if it does not. */
  private static Optional<String> firstLine(RedisEndpoint.Address address, Duration timeout) {
    int millis = (int) timeout.toMillis();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address.host(), address.port()), millis);
      socket.setSoTimeout(millis);
      socket.getOutputStream().write(command("PING"));
      return Optional.ofNullable(
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine());
    } catch (IOException unanswered) {
      return Optional.empty(); // the client's own failure says why
    }
  }

  /** The start of {@code line}, printable ASCII only, for an error message. */
  private static String quoted(String line) {
    String start = line.length() > QUOTED_CHARS ? line.substring(0, QUOTED_CHARS) + "..." : line;
    return start.replaceAll("[^\\x20-\\x7e]", "?");
  }

  /** Returns null if the server answered PONG, otherwise what went wrong (never the password). */
  public static String ping(RedisEndpoint endpoint, Duration timeout) {
    return send(
        endpoint,
        timeout,
        "PING",
        reply -> "+PONG".equals(reply) ? null : "PING answered " + reply);
  }

  /**
   * Asks the server to {@code SHUTDOWN}: it writes out its append-only file (and a snapshot, if
   * configured to save), logs its exit and closes every connection without a reply. Returns null if
   * it took the command (the connection closed unanswered), otherwise why not: its refusal ({@code
   * -ERR Errors trying to SHUTDOWN}), or that it could not be reached.
   */
  static String shutdown(RedisEndpoint endpoint, Duration timeout) {
    return send(
        endpoint,
        timeout,
        "SHUTDOWN",
        reply -> reply == null ? null : "SHUTDOWN answered " + reply);
  }

  /**
   * Sends {@code command} on a connection of its own, after {@code AUTH} when the endpoint has a
   * password; {@code judge} turns the reply's first line (null if the server closed unanswered)
   * into null for success or what went wrong. What went wrong never names the password.
   */
  private static String send(
      RedisEndpoint endpoint, Duration timeout, String command, UnaryOperator<String> judge) {
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
        if (!"+OK".equals(in.readLine())) {
          return "AUTH refused";
        }
      }
      out.write(command(command));
      return judge.apply(in.readLine());
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
