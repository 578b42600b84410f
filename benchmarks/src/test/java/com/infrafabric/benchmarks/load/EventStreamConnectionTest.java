package com.infrafabric.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The TTFT benchmark's client: what it times, and that its connection is reused. */
@Timeout(30)
class EventStreamConnectionTest {

  private static final String PATH = "/v1/chat/completions";
  private static final Map<String, String> HEADERS = Map.of("authorization", "Bearer sk-test");

  private final FakeProvider provider = FakeProvider.start();

  @AfterEach
  void stop() {
    provider.close();
  }

  /** The provider stalls after its first delta and never ends the stream. */
  @Test
  void theFirstEventIsReadWhileTheStreamIsStillOpen() throws IOException {
    provider.then(new Behaviour.StallAfter(1));
    try (EventStreamConnection connection = EventStreamConnection.open(provider.port())) {
      String first = connection.firstEvent(PATH, HEADERS, GatewayUnderLoad.chat(true));

      assertThat(first).startsWith("data: {").contains("\"role\":\"assistant\"");
    }
  }

  @Test
  void aStreamReadToItsEndLeavesItsConnectionForTheNextCall() throws IOException {
    try (EventStreamConnection connection = EventStreamConnection.open(provider.port())) {
      for (int call = 0; call < 3; call++) {
        assertThat(connection.firstEvent(PATH, HEADERS, GatewayUnderLoad.chat(true)))
            .startsWith("data: {");
        connection.readToEnd();
      }
    }

    assertThat(provider.connections().opened().get()).isEqualTo(1);
    assertThat(provider.received()).hasSize(3);
  }

  @Test
  void anAnswerThatIsNotAStreamIsRefusedWithItsStatusLine() throws IOException {
    provider.then(new Behaviour.Status(429, "1"));
    try (EventStreamConnection connection = EventStreamConnection.open(provider.port())) {
      assertThatThrownBy(() -> connection.firstEvent(PATH, HEADERS, GatewayUnderLoad.chat(true)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("not a chunked 200: HTTP/1.1 429 Too Many Requests");
    }
  }
}
