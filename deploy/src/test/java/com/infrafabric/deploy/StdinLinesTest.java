package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How the bridge reads stdin: bounded lines, strict UTF-8, and the id of a line it refuses. */
class StdinLinesTest {

  /**
   * Regression: a line was read whole with {@code readLine()}, so a 400 MB line ran the bridge out
   * of memory and one of 30 MB was answered "not JSON" with id null. An over-long line is now
   * discarded as it streams, without being held, and the next line is read as usual.
   */
  @Test
  @Timeout(60)
  void anOverLongLineIsDiscardedAsItStreamsAndTheNextLineIsRead() throws IOException {
    long huge = 64L * 1024 * 1024;
    InputStream in =
        new SequenceInputStream(
            new SequenceInputStream(
                stream(
                    "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"x\":\""),
                new McpBridgeInputTest.Filler(huge)),
            stream("\"}}\n{\"id\":8}\r\n"));
    StdinLines lines = new StdinLines(in, 1 << 20);

    StdinLines.Line first = lines.next();
    assertThat(first).isInstanceOf(StdinLines.TooLong.class);
    StdinLines.TooLong tooLong = (StdinLines.TooLong) first;
    assertThat(tooLong.bytes()).isGreaterThan(huge);
    assertThat(RequestIds.of(tooLong.head(), tooLong.tail())).contains(7L);
    assertThat(lines.next()).isEqualTo(new StdinLines.Text("{\"id\":8}"));
    assertThat(lines.next()).isNull();
  }

  @Test
  void aLineOfExactlyTheLimitIsKept() throws IOException {
    StdinLines lines = new StdinLines(stream("12345\r\n123456\n1234"), 5);

    assertThat(lines.next()).isEqualTo(new StdinLines.Text("12345"));
    assertThat(lines.next()).isInstanceOf(StdinLines.TooLong.class);
    assertThat(lines.next()).isEqualTo(new StdinLines.Text("1234"));
    assertThat(lines.next()).isNull();
  }

  /**
   * Regression: stdin was decoded with replacement, so bytes that are not UTF-8 became U+FFFD and
   * the tool ran on text the client never sent, where the chassis refuses the same bytes over HTTP.
   */
  @Test
  void malformedUtf8IsRefusedNotReplaced() throws IOException {
    byte[] bad =
        "{\"id\":\"q\",\"params\":{\"say\":\"h?\"}}\n{}\n".getBytes(StandardCharsets.UTF_8);
    bad[27] = (byte) 0xC3; // a lead byte followed by '"', not by a continuation byte
    StdinLines lines = new StdinLines(new ByteArrayInputStream(bad), 1 << 20);

    StdinLines.Line first = lines.next();
    assertThat(first).isInstanceOf(StdinLines.NotUtf8.class);
    byte[] kept = ((StdinLines.NotUtf8) first).bytes();
    assertThat(RequestIds.of(kept, kept)).contains("q");
    assertThat(lines.next()).isEqualTo(new StdinLines.Text("{}"));
  }

  @Test
  void theIdIsTheTopLevelMemberAtTheStartOrTheLastMemberAtTheEnd() {
    assertThat(ids("{\"params\":{\"id\":1},\"id\":2,\"x\":\"", "\"}")).contains(2L);
    assertThat(ids("{\"method\":\"m\",\"params\":{\"id\":1,\"x\":\"", "\"},\"id\":\"r-9\"}"))
        .contains("r-9");
    assertThat(ids("{\"method\":\"m\",\"params\":{\"x\":\"", "\",\"id\":3}}")).isEmpty();
    assertThat(ids("[{\"id\":4,\"x\":\"", "\"}]")).isEmpty();
  }

  private static Optional<Object> ids(String head, String tail) {
    return RequestIds.of(
        head.getBytes(StandardCharsets.UTF_8), tail.getBytes(StandardCharsets.UTF_8));
  }

  private static InputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
