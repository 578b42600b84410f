package com.infrafabric.platform.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A raw TCP connection to a service on loopback, for clients no HTTP library would be: ones that
 * send half their headers, or a body a byte at a time. Every read has a deadline.
 */
public final class RawConnection implements AutoCloseable {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private final Socket socket;

  private RawConnection(Socket socket) {
    this.socket = socket;
  }

  public static RawConnection open(int port) {
    return openFrom("127.0.0.1", port);
  }

  /**
   * A connection to {@code port} on 127.0.0.1 from {@code localAddress}, another loopback address
   * (127.0.0.2, say) for a client the server must tell apart by its address.
   */
  public static RawConnection openFrom(String localAddress, int port) {
    try {
      Socket socket = new Socket();
      socket.bind(new InetSocketAddress(localAddress, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(100);
      return new RawConnection(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code text} as ASCII; false if the server has closed the connection. */
  public boolean send(String text) {
    try {
      socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return true;
    } catch (IOException closedByTheServer) {
      return false;
    }
  }

  /** The next status line the server sends, e.g. {@code HTTP/1.1 401 Unauthorized}, or "". */
  public String statusLine() {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    StringBuilder line = new StringBuilder();
    while (System.nanoTime() < deadline) {
      int c = read();
      if (c == -1 || c == '\r') {
        return line.toString();
      }
      if (c >= 0) {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  /**
   * Everything the server sends from now until it closes the connection, as ASCII: the whole answer
   * to a request sent with {@code Connection: close}.
   *
   * @throws AssertionError if the server has not closed it within the deadline
   */
  public String untilClosed() {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    while (System.nanoTime() < deadline) {
      int c = read();
      if (c == -1) {
        return received.toString(StandardCharsets.US_ASCII);
      }
      if (c >= 0) {
        received.write(c);
      }
    }
    throw new AssertionError(
        "the server did not close the connection within "
            + DEADLINE
            + "; it sent: "
            + received.toString(StandardCharsets.US_ASCII));
  }

  /** Reads what the server has sent so far and not yet read. */
  public void drain() {
    while (read() >= 0) {
      // discard
    }
  }

  /** True once the server has closed the connection (within the deadline). */
  public boolean closedByServer() {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      if (read() == -1) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A byte, -1 at the end of the stream (or a reset), -2 if nothing arrived in 100 ms. */
  private int read() {
    InputStream in;
    try {
      in = socket.getInputStream();
      return in.read();
    } catch (SocketTimeoutException nothingYet) {
      return -2;
    } catch (IOException reset) {
      return -1;
    }
  }
}
