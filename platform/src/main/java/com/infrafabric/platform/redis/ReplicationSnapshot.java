package com.infrafabric.platform.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import javax.net.ssl.SSLSocketFactory;

/**
 * Fetches a point-in-time RDB snapshot of a running Redis the way a new replica does, over the
 * network: {@code REPLCONF rdb-only 1} then {@code SYNC}. The server forks and serialises its whole
 * dataset at one instant, so the snapshot is consistent however busy the server is, and no access
 * to the server's disk is needed (a managed or remote Redis works as well as a local one).
 *
 * <p>The connecting user needs the {@code SYNC} and {@code REPLCONF} commands (the default user, or
 * an ACL user with {@code +sync +replconf}). A server may send the payload with a known length
 * ({@code $<n>}) or, when it streams without touching its disk, terminated by a 40-byte mark
 * ({@code $EOF:<mark>}); both are read here.
 */
public final class ReplicationSnapshot {

  private static final int EOF_MARK_LENGTH = 40;
  private static final int MAX_LINE = 64 * 1024;
  private static final byte[] RDB_MAGIC = "REDIS".getBytes(StandardCharsets.US_ASCII);
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private ReplicationSnapshot() {}

  /**
   * Writes the snapshot of {@code source} to {@code target}, a new file only its owner can read: it
   * holds every key of the server.
   *
   * @param idleTimeout how long the server may stay silent; it sends a newline every second while
   *     it prepares the snapshot, so this bounds a dead server, not a big dataset
   * @throws IllegalStateException if the server refuses (no permission, not a Redis) or the stream
   *     ends early
   */
  public static void download(RedisEndpoint source, Path target, Duration idleTimeout) {
    try (Socket socket = connect(source, idleTimeout);
        FileChannel file =
            FileChannel.open(
                target,
                Set.of(
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.READ),
                OWNER_ONLY)) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      if (source.password() != null) {
        authenticate(in, out, source);
      }
      out.write(RespProbe.command("REPLCONF", "rdb-only", "1"));
      // Redis before 7.0 does not know rdb-only: it then streams on after the snapshot, which
      // is simply not read.
      readLine(in);
      out.write(RespProbe.command("SYNC"));
      String header = payloadHeader(in);
      if (header.startsWith("EOF:")) {
        copyUntilMark(in, file, header.substring(4).getBytes(StandardCharsets.US_ASCII));
      } else {
        copyExactly(in, file, length(header));
      }
      checkMagic(file);
    } catch (IOException e) {
      throw new UncheckedIOException("snapshot from " + source + " failed: " + e.getMessage(), e);
    }
  }

  private static Socket connect(RedisEndpoint source, Duration timeout) throws IOException {
    int millis = Math.toIntExact(timeout.toMillis());
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress(source.host(), source.port()), millis);
    plain.setSoTimeout(millis);
    if (!source.tls()) {
      return plain;
    }
    return ((SSLSocketFactory) SSLSocketFactory.getDefault())
        .createSocket(plain, source.host(), source.port(), true);
  }

  private static void authenticate(InputStream in, OutputStream out, RedisEndpoint source)
      throws IOException {
    out.write(
        source.user() == null
            ? RespProbe.command("AUTH", source.password())
            : RespProbe.command("AUTH", source.user(), source.password()));
    String reply = readLine(in);
    if (!reply.equals("+OK")) {
      throw new IllegalStateException("Redis at " + source + " refused AUTH: " + errorText(reply));
    }
  }

  /** Skips the newlines a server sends while it forks and saves; returns what follows '$'. */
  private static String payloadHeader(InputStream in) throws IOException {
    while (true) {
      String line = readLine(in);
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("$")) {
        return line.substring(1);
      }
      throw new IllegalStateException("Redis refused SYNC: " + errorText(line));
    }
  }

  private static long length(String header) {
    try {
      return Long.parseLong(header);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("the snapshot's length is not a number: " + header, e);
    }
  }

  private static String errorText(String reply) {
    return reply.startsWith("-") ? reply.substring(1) : "unexpected reply " + reply;
  }

  private static void copyExactly(InputStream in, FileChannel file, long length)
      throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long left = length;
    while (left > 0) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) {
        throw new IllegalStateException(
            "the snapshot stream ended after " + (length - left) + " of " + length + " bytes");
      }
      file.write(ByteBuffer.wrap(buffer, 0, read));
      left -= read;
    }
  }

  /**
   * Copies until the stream's last 40 bytes are {@code mark}, then cuts the mark off the file. The
   * tail of what was written is kept in a small window so each chunk is checked once.
   */
  private static void copyUntilMark(InputStream in, FileChannel file, byte[] mark)
      throws IOException {
    if (mark.length != EOF_MARK_LENGTH) {
      throw new IllegalStateException("the snapshot's end mark is not 40 bytes");
    }
    byte[] buffer = new byte[64 * 1024];
    byte[] tail = new byte[0];
    while (!Arrays.equals(tail, mark)) {
      int read = in.read(buffer);
      if (read < 0) {
        throw new IllegalStateException("the snapshot stream ended before its end mark");
      }
      file.write(ByteBuffer.wrap(buffer, 0, read));
      tail = lastBytes(tail, buffer, read);
    }
    file.truncate(file.size() - EOF_MARK_LENGTH);
  }

  private static byte[] lastBytes(byte[] tail, byte[] chunk, int length) {
    byte[] joined = Arrays.copyOf(tail, tail.length + length);
    System.arraycopy(chunk, 0, joined, tail.length, length);
    return Arrays.copyOfRange(joined, Math.max(0, joined.length - EOF_MARK_LENGTH), joined.length);
  }

  private static void checkMagic(FileChannel file) throws IOException {
    ByteBuffer start = ByteBuffer.allocate(RDB_MAGIC.length);
    file.read(start, 0);
    if (!Arrays.equals(start.array(), RDB_MAGIC)) {
      throw new IllegalStateException("what the server sent is not an RDB snapshot");
    }
  }

  /** One reply line; a server that sends more than {@value #MAX_LINE} bytes in one is no Redis. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IllegalStateException("Redis closed the connection");
      }
      if (line.size() == MAX_LINE) {
        throw new IllegalStateException("the server sent a reply line over " + MAX_LINE + " bytes");
      }
      line.write(b);
    }
    String text = line.toString(StandardCharsets.UTF_8);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }
}
