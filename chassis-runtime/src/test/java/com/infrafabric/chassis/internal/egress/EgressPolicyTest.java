package com.infrafabric.chassis.internal.egress;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.egress.EgressSettings;
import com.infrafabric.chassis.egress.TrustedTarget;
import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.llm.destination.DestinationPattern;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EgressPolicyTest {

  private static final List<DestinationPattern> ALLOW =
      List.of(DestinationPattern.parse("https://api.example.com:443"));

  @Test
  void allowsAPublicAnswerAndPinsIt() throws Exception {
    EgressDecision decision =
        policy(Map.of("api.example.com", "93.184.216.34"), List.of())
            .check("acme", "https://api.example.com/v1", ALLOW);
    assertThat(decision)
        .isInstanceOfSatisfying(
            EgressDecision.Allowed.class,
            allowed -> assertThat(allowed.address().getHostAddress()).isEqualTo("93.184.216.34"));
  }

  @Test
  void refusesAHostWhoseAnswersIncludeOnePrivateAddress() throws Exception {
    EgressDecision decision =
        policy(Map.of("api.example.com", "93.184.216.34,10.0.0.5"), List.of())
            .check("acme", "https://api.example.com/", ALLOW);
    assertThat(decision)
        .isEqualTo(
            new EgressDecision.Denied(
                AbiError.DENIED,
                "api.example.com resolves to a private address",
                "address",
                "10.0.0.5"));
  }

  /**
   * Regression: the refusal, which reaches the tool's log and its caller, said "localhost resolves
   * to 127.0.0.1, a loopback address", handing a tool the internal DNS answers of every name its
   * allow-list wildcard covers. The address now goes to the operator's log only (carried apart from
   * the reason, for the caller to log within its tool's rate).
   */
  @Test
  void aRefusalNamesTheAddressClassButNeverTheAddress() throws Exception {
    EgressDecision decision =
        policy(Map.of("api.example.com", "127.0.0.1"), List.of())
            .check("acme", "https://api.example.com/", ALLOW);
    assertThat(decision)
        .isInstanceOfSatisfying(
            EgressDecision.Denied.class,
            denied -> {
              assertThat(denied.reason())
                  .isEqualTo("api.example.com resolves to a loopback address");
              assertThat(denied.reason()).doesNotContain("127.0.0.1");
              assertThat(denied.address()).isEqualTo("127.0.0.1");
            });
  }

  @Test
  void refusesDestinationsOffTheAllowList() throws Exception {
    EgressDecision decision = policy(Map.of(), List.of()).check("acme", "https://evil.com/", ALLOW);
    assertThat(decision)
        .isEqualTo(
            new EgressDecision.Denied(
                AbiError.DENIED, "https://evil.com:443 is not on the allow-list", "allow-list"));
  }

  @Test
  void refusesSchemesTheOperatorDoesNotAllow() throws Exception {
    EgressDecision decision =
        policy(Map.of(), List.of())
            .check(
                "acme",
                "http://api.example.com:443/",
                List.of(DestinationPattern.parse("http://api.example.com:443")));
    assertThat(decision)
        .isEqualTo(
            new EgressDecision.Denied(
                AbiError.DENIED, "scheme http is not allowed by the operator", "scheme"));
  }

  @Test
  void reachesLoopbackOnlyThroughAnExplicitTrustedTarget() throws Exception {
    List<DestinationPattern> allow = List.of(DestinationPattern.parse("https://127.0.0.1:443"));
    assertThat(policy(Map.of(), List.of()).check("acme", "https://127.0.0.1/", allow))
        .isInstanceOf(EgressDecision.Denied.class);
    assertThat(
            policy(Map.of(), List.of(TrustedTarget.parse("127.0.0.1/32:443")))
                .check("acme", "https://127.0.0.1/", allow))
        .isInstanceOf(EgressDecision.Allowed.class);
    assertThat(
            policy(Map.of(), List.of(TrustedTarget.parse("127.0.0.1/32:8443")))
                .check("acme", "https://127.0.0.1/", allow))
        .isInstanceOf(EgressDecision.Denied.class);
  }

  @Test
  void reportsAnUnresolvableHostAsUnavailable() throws Exception {
    assertThat(policy(Map.of(), List.of()).check("acme", "https://api.example.com/", ALLOW))
        .isEqualTo(
            new EgressDecision.Denied(
                AbiError.UNAVAILABLE, "api.example.com does not resolve", "dns"));
  }

  private static EgressPolicy policy(Map<String, String> dns, List<TrustedTarget> trusted) {
    EgressSettings settings =
        new EgressSettings(
            Set.of("https"), Set.of(443), trusted, 3, Duration.ofSeconds(1), 16384, 1024);
    HostResolver resolver =
        host -> {
          String answer = dns.get(host);
          if (answer == null) {
            throw new UnknownHostException(host);
          }
          List<InetAddress> addresses = new java.util.ArrayList<>();
          for (String address : answer.split(",")) {
            addresses.add(InetAddress.getByName(address));
          }
          return addresses;
        };
    return new EgressPolicy(settings, new ResolverPool(resolver, 4));
  }
}
