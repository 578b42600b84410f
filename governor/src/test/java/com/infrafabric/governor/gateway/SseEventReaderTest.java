package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Regression class: the gateway read each {@code data:} line as an event of its own, where the SSE
 * standard (WHATWG HTML, "Server-sent events", which the SDKs follow) joins an event's data lines
 * and ends it at a blank line. The reader follows the standard, including its own examples,
 * wherever chunks cut the stream.
 */
class SseEventReaderTest {

  @Test
  void dataLinesOfOneEventAreJoinedWithNewlines() {
    assertThat(read("data: YHOO\ndata: +2\ndata: 10\n\n"))
        .containsExactly(new SseEvent(null, "YHOO\n+2\n10"));
  }

  @Test
  void theStandardsExamplesReadAsItSays() {
    assertThat(
            read(
                ": test stream\n\ndata: first event\nid: 1\n\n"
                    + "data:second event\nid\n\ndata:  third event\n\n"))
        .containsExactly(
            new SseEvent(null, "first event"),
            new SseEvent(null, "second event"),
            new SseEvent(null, " third event"));
    assertThat(read("data\n\ndata\ndata\n\ndata:"))
        .containsExactly(new SseEvent(null, ""), new SseEvent(null, "\n"));
    assertThat(read("data:test\n\ndata: test\n\n"))
        .containsExactly(new SseEvent(null, "test"), new SseEvent(null, "test"));
  }

  @Test
  void linesEndAtCrLfOrCrLfAlikeAndACrLfCutInTwoIsOneEnd() {
    List<SseEvent> expected = List.of(new SseEvent("delta", "a\nb"), new SseEvent(null, "c"));
    String crlf = "event: delta\r\ndata: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n";
    for (String stream : List.of(crlf, crlf.replace("\r\n", "\r"), crlf.replace("\r\n", "\n"))) {
      for (int cut = 0; cut <= stream.length(); cut++) {
        assertThat(read(stream.substring(0, cut), stream.substring(cut)))
            .as("%s cut at %d", stream, cut)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void anEventWithoutDataIsNotDispatchedAndItsTypeIsForgotten() {
    assertThat(read("event: ping\n\ndata: x\n\nevent: delta\nid: 3\nretry: 5\n: note\n\n"))
        .containsExactly(new SseEvent(null, "x"));
  }

  @Test
  void aLeadingByteOrderMarkIsSkippedOnlyAtTheStart() {
    assertThat(read("\ufeffdata: a\n\n\ufeffdata: b\n\ndata: c\n\n"))
        .containsExactly(new SseEvent(null, "a"), new SseEvent(null, "c"));
  }

  @Test
  void malformedUtf8IsReadAsReplacementCharacters() {
    SseEventReader reader = new SseEventReader(1000);
    List<SseEvent> events =
        reader.read(
            Buffer.buffer("data: ").appendBytes(new byte[] {(byte) 0xff}).appendString("\n\n"));
    assertThat(events).containsExactly(new SseEvent(null, "\ufffd"));
  }

  @Test
  void aLineOrAnEventPastTheBoundStopsTheReader() {
    SseEventReader line = new SseEventReader(100);
    assertThat(line.read(Buffer.buffer("data: ok\n\ndata: " + "x".repeat(100))))
        .containsExactly(new SseEvent(null, "ok"));
    assertThat(line.overlong()).isTrue();

    SseEventReader event = new SseEventReader(100);
    List<SseEvent> read = new ArrayList<>(event.read(Buffer.buffer("data: ok\n\n")));
    for (int i = 0; i < 20 && !event.overlong(); i++) {
      read.addAll(event.read(Buffer.buffer("data: 0123456789\n")));
    }
    assertThat(read).containsExactly(new SseEvent(null, "ok"));
    assertThat(event.overlong()).isTrue();
  }

  @Test
  void anEventInCanonicalFramingReadsAsItself() {
    SseEvent event = new SseEvent("message_delta", " two\n lines \n");
    assertThat(read(event.encoded().toString())).containsExactly(event);
  }

  private static List<SseEvent> read(String... chunks) {
    SseEventReader reader = new SseEventReader(1 << 20);
    List<SseEvent> events = new ArrayList<>();
    for (String chunk : chunks) {
      events.addAll(reader.read(Buffer.buffer(chunk)));
    }
    return events;
  }
}
