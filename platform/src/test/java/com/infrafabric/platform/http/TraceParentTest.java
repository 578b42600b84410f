package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceParentTest {

  @Test
  void aVersion00HeaderGivesItsTraceAndParent() {
    assertThat(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        .contains(new TraceParent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"));
  }

  @Test
  void anythingElseIsIgnoredSoThatOnlySafeTextIsLogged() {
    for (String header :
        new String[] {
          "",
          "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
          "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
          "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
          "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n{\"level\":\"ERROR\"}",
          "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
          "x".repeat(10_000)
        }) {
      assertThat(TraceParent.parse(header)).as(header).isEmpty();
    }
    assertThat(TraceParent.parse(null)).isEmpty();
  }
}
