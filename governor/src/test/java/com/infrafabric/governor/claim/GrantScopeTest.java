package com.infrafabric.governor.claim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.platform.testing.TestTokens;
import com.infrafabric.wire.grant.Grant;
import com.infrafabric.wire.grant.GrantTokens;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a claim's grant may ask for. Regression (review's probe): 64 models of 123 characters, 64
 * credentials and 64 tools were signed into a 22 KB grant the chassis refused with 431, after the
 * task was claimed and its budget held; and capabilities nobody knows ({@code root}) were signed as
 * given. Both are refused before the claim now, and a grant at the bound fits the chassis's request
 * head.
 */
class GrantScopeTest {

  @TempDir Path keys;

  @Test
  void theProbesGrantIsRefusedForItsSize() {
    Set<String> models = names("m", 64, 123);
    assertThatThrownBy(
            () -> new GrantScope(Set.of(), Set.of("llm", "http"), names("c", 64, 63), models, 1))
        .isInstanceOfSatisfying(
            GovernorException.class,
            refused -> {
              assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
              assertThat(refused.getMessage()).contains("above the 2800");
            });
  }

  @Test
  void aCapabilityTheChassisDoesNotKnowIsRefused() {
    for (String name : Set.of("root", "http_request", "LLM")) {
      assertThatThrownBy(() -> new GrantScope(Set.of(), Set.of(name), Set.of(), Set.of(), 1))
          .as(name)
          .isInstanceOfSatisfying(
              GovernorException.class,
              refused -> assertThat(refused.getMessage()).contains("io, log, kv, http, wasi, llm"));
    }
  }

  /**
   * The worst grant the bound admits (the most entries, short ones, whose quotes JSON adds; every
   * other claim at its longest) signs within what the chassis reads.
   */
  @Test
  void aGrantAtTheBoundSignsWithinWhatTheChassisReads() {
    Set<String> credentials = names("c", 64, 19);
    Set<String> models = names("m", 64, 19);
    Set<String> capabilities = Set.of("io", "log", "kv", "http", "wasi", "llm");
    Set<String> digests = new HashSet<>();
    GrantScope scope = new GrantScope(digests, capabilities, credentials, models, 1000);
    while (scope.canonical().length() + 65 <= GrantScope.MAX_TERMS_CHARS) {
      digests.add(String.format("%064x", digests.size()));
      scope = new GrantScope(digests, capabilities, credentials, models, 1000);
    }
    assertThat(scope.canonical().length()).isGreaterThan(GrantScope.MAX_TERMS_CHARS - 65);

    String segment = "s".repeat(64);
    String tenant = "t".repeat(64);
    String lease = tenant + "/" + "k".repeat(64) + "#" + Integer.MAX_VALUE;
    Grant grant =
        new Grant(
            "grant:" + lease,
            "a".repeat(64),
            tenant,
            lease,
            String.join("/", tenant, segment, segment, segment, segment),
            scope.toolDigests(),
            scope.capabilities(),
            scope.credentials(),
            scope.models(),
            999_999_999_999L,
            scope.maxInvocations(),
            Instant.parse("2026-12-07T10:00:00Z").plus(Duration.ofDays(1)));
    Clock clock = Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), java.time.ZoneOffset.UTC);
    String signed =
        GrantTokens.sign(
            TestTokens.create(keys, clock).minter(),
            "https://governor.infrafabric.example",
            "infrafabric-chassis",
            grant,
            clock);

    assertThat(signed.length()).isLessThanOrEqualTo(GrantTokens.MAX_BYTES);
  }

  private static Set<String> names(String prefix, int count, int length) {
    return IntStream.range(0, count)
        .mapToObj(i -> prefix + String.format("%0" + (length - prefix.length()) + "d", i))
        .collect(Collectors.toSet());
  }
}
