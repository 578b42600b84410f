package com.infrafabric.platform.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Encodes what a route answers, with a bounded nesting depth: a value nested deeper than {@value
 * #MAX_DEPTH} levels (a guest's output, say, inside its envelope) is refused here, before any byte
 * is written, rather than by the encoder half-way through the response.
 */
final class ResponseJson {

  /**
   * The deepest nesting an answer may have: room for {@link StrictJson#MAX_DEPTH} levels of a
   * client's own JSON inside the service's envelope.
   */
  static final int MAX_DEPTH = 2 * StrictJson.MAX_DEPTH;

  /**
   * Room for a typical answer without growing the buffer: a reservation or a commit over two scopes
   * of three capped windows each encodes to about 1.4 KB, which outgrew the 512 bytes once given
   * here and cost a second buffer on every charge.
   */
  private static final int INITIAL_BYTES = 2048;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamWriteConstraints(
              StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
          .build();

  private ResponseJson() {}

  /**
   * The JSON text of {@code value} (a {@code JsonObject}, {@code JsonArray} or plain value).
   *
   * @throws NotRendered if it nests too deep or holds something JSON cannot carry
   */
  static Buffer encode(Object value) {
    Buffer encoded = Buffer.buffer(INITIAL_BYTES);
    try (JsonGenerator generator = FACTORY.createGenerator(new BufferOutput(encoded))) {
      JacksonCodec.encodeJson(value, generator);
    } catch (IOException | RuntimeException e) {
      throw new NotRendered(e);
    }
    return encoded;
  }

  /**
   * Writes the generator's output straight into the buffer the response sends, rather than into a
   * byte array that is then copied into one: one allocation and one copy fewer on every answer.
   */
  private static final class BufferOutput extends OutputStream {
    private final Buffer buffer;

    BufferOutput(Buffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public void write(int b) {
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      buffer.appendBytes(bytes, offset, length);
    }
  }

  /** A result that could not be encoded; the cause says why, for the server log only. */
  static final class NotRendered extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotRendered(Throwable cause) {
      super(
          "the answer could not be encoded (nested deeper than "
              + MAX_DEPTH
              + " levels, or not JSON)",
          cause);
    }
  }
}
