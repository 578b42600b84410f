package com.infrafabric.chassis.internal.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.LimitExceededException;
import com.infrafabric.chassis.OperatorSettings;
import com.infrafabric.chassis.egress.EgressSettings;
import com.infrafabric.chassis.publish.ContractJson;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Publisher;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContractCapsTest {

  private static final byte[] MODULE = {0, 97, 115, 109, 1, 0, 0, 0};
  private static final OperatorSettings CONFIG =
      OperatorSettings.builder()
          .trustedPublishersJwks(Publisher.jwks(Publisher.generate("k")))
          .build();
  private static final ContractCaps CAPS = new ContractCaps(CONFIG, EgressSettings.defaults());

  @Test
  void reportsEveryLimitAboveItsCapInOneMessage() {
    Contracts contract =
        Contracts.forModule("echo", MODULE)
            .limit("memory", "maxPages", 70_000)
            .limit("hostCalls", "max", 2_000_000)
            .grantKv(1L << 40, 10);
    assertThatThrownBy(() -> CAPS.check(ContractJson.parse(contract.json())))
        .isInstanceOfSatisfying(
            LimitExceededException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_ABOVE_CAP))
        .hasMessage(
            "memory.maxPages 70000 exceeds the operator cap of 1024; "
                + "hostCalls.max 2000000 exceeds the operator cap of 1000000; "
                + "kv.maxBytes 1099511627776 exceeds the operator cap of 67108864");
  }

  @Test
  void refusesAllowListEntriesWithForbiddenSchemesOrPorts() {
    Contracts contract =
        Contracts.forModule("fetch", MODULE)
            .grantHttp(
                List.of("http://api.example.com:80", "https://api.example.com:6379"),
                2,
                1000,
                1024);
    assertThatThrownBy(() -> CAPS.check(ContractJson.parse(contract.json())))
        .hasMessage(
            "http.allow[0] scheme http is not allowed by the operator; "
                + "http.allow[0] port 80 is not allowed by the operator; "
                + "http.allow[1] port 6379 is not allowed by the operator");
  }

  @Test
  void aMalformedAllowListEntryIsRefusedByTheContractsGrammarBeforeItsCaps() {
    Contracts contract =
        Contracts.forModule("fetch", MODULE)
            .grantHttp(List.of("https://*example.com:443"), 2, 1000, 1024);
    assertThatThrownBy(() -> ContractJson.parse(contract.json()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "http.allow[0] \"https://*example.com:443\" is not of the form scheme://host:port"
                + " (scheme http or https)");
  }

  @Test
  void returnsTheParsedAllowListWhenWithinCaps() {
    Contracts contract =
        Contracts.forModule("fetch", MODULE)
            .grantHttp(List.of("https://*.example.com:443"), 2, 1000, 1024);
    assertThat(CAPS.check(ContractJson.parse(contract.json())))
        .extracting(Object::toString)
        .containsExactly("https://*.example.com:443");
  }
}
