package com.infrafabric.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A compact JWS is read only as its signer spelled it: one encoding of each segment's bytes. */
class CompactJwsTest {

  @Test
  void onlyTheOneSpellingOfEachSegmentIsCanonical() {
    assertThat(CompactJws.canonical("eyJhbGciOiJFUzI1NiJ9.e30.AA")).isTrue();
    assertThat(CompactJws.canonical("eyJhbGciOiJFUzI1NiJ9.e30.")).isTrue();

    assertThat(CompactJws.canonical("eyJhbGciOiJFUzI1NiJ9.e30.AA==")).as("padding").isFalse();
    assertThat(CompactJws.canonical("eyJhbGciOiJFUzI1NiJ9.e30.AB")).as("stray low bits").isFalse();
    assertThat(CompactJws.canonical("eyJhbGciOiJFUzI1NiJ9.e30.+/8")).as("alphabet").isFalse();
    assertThat(CompactJws.canonical("eyJhbGciOiJFUzI1NiJ9.e3 0.AA")).as("white space").isFalse();
    assertThat(CompactJws.canonical("eyJhbGciOiJFUzI1NiJ9.e30.A")).as("a lone digit").isFalse();
    assertThat(CompactJws.canonical("eyJhbGciOiJFUzI1NiJ9.e30")).as("two segments").isFalse();
    assertThat(CompactJws.canonical("a.b.c.d")).as("four segments").isFalse();
  }
}
