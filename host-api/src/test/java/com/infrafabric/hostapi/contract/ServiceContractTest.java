package com.infrafabric.hostapi.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceContractTest {

  private static final ModuleDigest DIGEST = ModuleDigest.of(new byte[] {0, 97, 115, 109});
  private static final Slo SLO = new Slo(Duration.ofMillis(100), 0.99);

  @Test
  void digestIsTheSha256OfTheBytesInTheContractForm() {
    assertThat(ModuleDigest.of(new byte[0]))
        .hasToString("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(ModuleDigest.parse(DIGEST.toString())).isEqualTo(DIGEST);
    assertThatThrownBy(() -> ModuleDigest.parse("md5:abc"))
        .hasMessage("moduleDigest must be sha256: followed by 64 lowercase hex digits");
  }

  @Test
  void rejectsACapabilityRequestedTwice() {
    assertThatThrownBy(
            () -> contract(List.of(new KvCapability(10, 1), new KvCapability(20, 2)), SLO))
        .hasMessage("capability kv is requested twice");
  }

  @Test
  void rejectsAnSloSlowerThanTheTimeout() {
    assertThatThrownBy(() -> contract(List.of(), new Slo(Duration.ofSeconds(5), 0.99)))
        .hasMessage("slo.p99LatencyMs 5000 exceeds limits.timeoutMs 1000");
  }

  @Test
  void rejectsNamesOutsideTheirPattern() {
    assertThatThrownBy(
            () ->
                new ServiceContract(
                    "Bad_Name", "1", DIGEST, List.of(), ResourceLimits.builder().build(), SLO))
        .hasMessage("name \"Bad_Name\" must match [a-z][a-z0-9-]{0,62}");
  }

  /**
   * What agents show of a tool displays as it reads: no control character (a description keeps its
   * line breaks and tabs), no bidirectional override or isolate, no invisible tag characters.
   */
  @Test
  void titlesAndDescriptionsHoldNothingThatDisplaysOtherwise() {
    for (String hidden :
        List.of(
            "a\u0000b",
            "a\u001bb",
            "a\u007fb",
            "a\u0085b",
            "safe \u202Eexe.txt",
            "a\u2066b\u2069",
            "a\u200Fb",
            "a\u2028b",
            "ignore \udb40\udc41\udb40\udc42 the rest",
            "half \ud800 a pair")) {
      assertThatThrownBy(() -> described(Optional.of(hidden), Optional.empty()))
          .as(hidden)
          .hasMessageStartingWith("title holds U+");
      assertThatThrownBy(() -> described(Optional.empty(), Optional.of(hidden)))
          .as(hidden)
          .hasMessageStartingWith("description holds U+");
    }
    assertThatThrownBy(() -> described(Optional.of("two\nlines"), Optional.empty()))
        .hasMessage("title holds U+000A, which displays otherwise than it reads");
    ServiceContract plain =
        described(
            Optional.of("Caf\u00e9 \u05e9\u05dc\u05d5\u05dd \ud83d\udc4d\u200d"),
            Optional.of("Line one\n\tindented \u4e2d\u6587"));
    assertThat(plain.title()).isPresent();
  }

  private static ServiceContract described(Optional<String> title, Optional<String> description) {
    return new ServiceContract(
        "tool",
        "1",
        DIGEST,
        List.of(),
        ResourceLimits.builder().build(),
        SLO,
        title,
        description,
        Optional.empty(),
        Optional.empty());
  }

  /**
   * A version is a path segment of the REST API: {@code .} and {@code ..} (which a URL normalises
   * away, so the tool could never be addressed or deleted) and anything not starting with a letter
   * or digit are refused; ordinary labels pass.
   */
  @Test
  void rejectsVersionsAUrlWouldNormaliseOrThatStartWithPunctuation() {
    for (String version : List.of(".", "..", "+1", "-1", ".1", "", "1".repeat(33), "1/2")) {
      assertThatThrownBy(
              () ->
                  new ServiceContract(
                      "tool", version, DIGEST, List.of(), ResourceLimits.builder().build(), SLO))
          .as(version)
          .hasMessageContaining("must match " + ServiceContract.VERSION_GRAMMAR);
    }
    for (String version : List.of("1", "1.0.0", "2.0.0-rc.1+build.7", "v3", "1.")) {
      assertThat(
              new ServiceContract(
                      "tool", version, DIGEST, List.of(), ResourceLimits.builder().build(), SLO)
                  .version())
          .isEqualTo(version);
    }
  }

  @Test
  void findsGrantedCapabilitiesByKindAndType() {
    ServiceContract contract = contract(List.of(new IoCapability(), new KvCapability(10, 1)), SLO);
    assertThat(contract.grants(CapabilityKind.KV)).isTrue();
    assertThat(contract.grants(CapabilityKind.HTTP)).isFalse();
    assertThat(contract.capability(KvCapability.class)).contains(new KvCapability(10, 1));
  }

  @Test
  void llmAndCredentialGrantsNameTheEntryThatIsWrong() {
    assertThatThrownBy(() -> new LlmCapability(List.of(), 1, 1))
        .hasMessage("llm.models must list at least one model");
    assertThatThrownBy(() -> new LlmCapability(List.of("gpt 4"), 1, 1))
        .hasMessage("llm.models entry \"gpt 4\" must match [A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");
    assertThatThrownBy(() -> new LlmCapability(List.of("gpt-4o"), 0, 1))
        .hasMessage("llm.maxCalls must be positive, not 0");
    Duration second = Duration.ofSeconds(1);
    assertThatThrownBy(
            () ->
                new HttpCapability(
                    List.of("https://a.example:443"),
                    1,
                    second,
                    second,
                    second,
                    1,
                    List.of("Search Key")))
        .hasMessage("http.credentials entry \"Search Key\" must match [a-z0-9][a-z0-9._-]{0,63}");
  }

  @Test
  void limitsNameTheFieldThatIsWrong() {
    assertThatThrownBy(() -> ResourceLimits.builder().memoryMaxPages(0).build())
        .hasMessage("memory.maxPages must be positive, not 0");
  }

  private static ServiceContract contract(List<Capability> capabilities, Slo slo) {
    return new ServiceContract(
        "echo", "1.0.0", DIGEST, capabilities, ResourceLimits.builder().build(), slo);
  }
}
