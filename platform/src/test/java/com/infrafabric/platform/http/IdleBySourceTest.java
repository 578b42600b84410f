package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Regression: the guard closed the oldest idle unauthenticated connection to make room, whatever it
 * had sent and whoever held the rest, so a client in the middle of its request head was closed
 * while hundreds of silent connects from other addresses stayed open. Which one it closes: a silent
 * one before one that sent bytes, from the source holding the most, its oldest.
 */
class IdleBySourceTest {

  private final IdleBySource<String> idle = new IdleBySource<>();

  @Test
  void aSilentConnectionGoesBeforeOneThatSentBytesHoweverOld() {
    idle.add("a", "a-sending", true);
    idle.add("b", "b-silent", false);

    assertThat(idle.takeAny()).contains("b-silent");
    assertThat(idle.takeAny()).contains("a-sending");
    assertThat(idle.takeAny()).isEmpty();
  }

  @Test
  void theSourceHoldingTheMostSilentOnesLosesItsOldestFirst() {
    idle.add("a", "a1", false);
    idle.add("b", "b1", false);
    idle.add("b", "b2", false);
    idle.add("a", "a-sending", true);
    idle.add("a", "a-sending-too", true);

    assertThat(idle.takeAny()).contains("b1");
    assertThat(idle.takeAny()).as("as many: the oldest").contains("a1");
    assertThat(idle.takeAny()).contains("b2");
    assertThat(idle.takeAny()).contains("a-sending");
  }

  @Test
  void aConnectionThatStartsSendingIsTheYoungestOfThoseThatDid() {
    idle.add("a", "first", false);
    idle.add("a", "second", true);
    idle.heard("a", "first");

    assertThat(idle.takeAny()).contains("second");
    assertThat(idle.takeAny()).contains("first");
  }

  @Test
  void aSourceMakesRoomFromItsOwnSilentOnesFirst() {
    idle.add("a", "a-sending", true);
    idle.add("a", "a-silent", false);
    idle.add("b", "b-silent", false);

    assertThat(idle.takeFrom("a")).contains("a-silent");
    assertThat(idle.takeFrom("a")).contains("a-sending");
    assertThat(idle.takeFrom("a")).isEmpty();
  }

  @Test
  void aRemovedConnectionIsNeverTaken() {
    idle.add("a", "a1", false);
    idle.add("a", "a2", true);
    idle.remove("a", "a1");
    idle.remove("a", "a2");

    assertThat(idle.takeAny()).isEmpty();
  }
}
