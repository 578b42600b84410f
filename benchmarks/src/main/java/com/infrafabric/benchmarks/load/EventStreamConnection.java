package com.infrafabric.benchmarks.load;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One HTTP/1.1 connection on loopback that the calling thread writes and reads itself, to time a
 * streamed answer to its first event. The JDK's {@code HttpClient} hands a request and each piece
 * of its answer between its selector and executor threads: timed against this connection on the
 * same streams, it added 0.4-1.0 ms at p50 before the first event, and read to their end its
 * streams took about 3 ms more CPU per call, taken from the two cores the gateway it measured ran
 * on (README). Here a request is one write and the first event is read off the socket by the thread
 * that timed the request.
 *
 * <p>It reads what the fake provider and the gateway answer a stream with, and nothing else: a 200
 * whose body is chunked. Lines are read as ISO-8859-1, byte for character; an event's UTF-8 text is
 * returned as such bytes. Not thread-safe.
 */
final class EventStreamConnection implements AutoCloseable {

  private static final String DATA = "data:";

  private final Socket socket;
  private final int port;
  private final InputStream in;
  private final OutputStream out;
  private final byte[] buffer = new byte[16 * 1024];
  private int position;
  private int limit;

  /** Bytes left of the current chunk's data; -1 when the next thing is a chunk-size line. */
  private int chunkLeft = -1;

  private EventStreamConnection(Socket socket, int port) throws IOException {
    this.socket = socket;
    this.port = port;
    this.in = socket.getInputStream();
    this.out = new BufferedOutputStream(socket.getOutputStream());
  }

  /** Connects to {@code port} on loopback, with Nagle's algorithm off as HTTP clients have it. */
  static EventStreamConnection open(int port) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress("127.0.0.1", port));
      return new EventStreamConnection(socket, port);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * POSTs {@code body} (JSON) to {@code path} with {@code headers} and returns the answer's first
   * {@code data:} line, without its line end. The rest of the answer is left unread: {@link
   * #readToEnd} reads it before the connection carries another request, or {@link #close} gives it
   * up.
   *
   * @throws IllegalStateException if the answer is not a 200 with a chunked body, or ends without
   *     an event
   */
  String firstEvent(String path, Map<String, String> headers, String body) throws IOException {
    send(path, headers, body.getBytes(StandardCharsets.UTF_8));
    readHead();
    StringBuilder line = new StringBuilder();
    for (int b = bodyByte(); b >= 0; b = bodyByte()) {
      if (b != '\n') {
        line.append((char) b);
      } else if (line.indexOf(DATA) == 0) {
        return line.toString();
      } else {
        line.setLength(0);
      }
    }
    throw new IllegalStateException(path + " answered a stream without an event");
  }

  /** Reads the rest of the answer, to its last chunk, so the connection can carry another. */
  void readToEnd() throws IOException {
    while (bodyByte() >= 0) {
      // The rest of the answer: read, not kept.
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private void send(String path, Map<String, String> headers, byte[] body) throws IOException {
    StringBuilder head =
        new StringBuilder("POST ")
            .append(path)
            .append(" HTTP/1.1\r\nhost: 127.0.0.1:")
            .append(port)
            .append("\r\ncontent-type: application/json\r\ncontent-length: ")
            .append(body.length)
            .append("\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  private void readHead() throws IOException {
    String status = line();
    boolean chunked = false;
    for (String header = line(); !header.isEmpty(); header = line()) {
      chunked |= header.equalsIgnoreCase("transfer-encoding: chunked");
    }
    if (!status.startsWith("HTTP/1.1 200 ") || !chunked) {
      throw new IllegalStateException("not a chunked 200: " + status);
    }
    chunkLeft = -1;
  }

  /** The next byte of the body's data, or -1 once its last chunk (and any trailer) is read. */
  private int bodyByte() throws IOException {
    if (chunkLeft == 0) {
      line(); // the line end after a chunk's data
      chunkLeft = -1;
    }
    if (chunkLeft < 0) {
      String size = line();
      int extension = size.indexOf(';');
      chunkLeft =
          Integer.parseInt((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
      if (chunkLeft == 0) {
        while (!line().isEmpty()) {
          // A trailer field: not used.
        }
        return -1;
      }
    }
    chunkLeft--;
    return nextByte();
  }

  /** A line of the head or the chunk framing, without its CRLF. */
  private String line() throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = nextByte(); b != '\n'; b = nextByte()) {
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  private int nextByte() throws IOException {
    if (position == limit) {
      limit = in.read(buffer);
      position = 0;
      if (limit < 0) {
        limit = 0;
        throw new EOFException("the connection closed mid-answer");
      }
    }
    return buffer[position++] & 0xff;
  }
}
