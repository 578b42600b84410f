package com.infrafabric.governor.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.GovernorException;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class ReservationIdTest {

  @Test
  void aGeneratedIdParsesBackToItself() {
    ReservationId id = ReservationId.generate("acme");

    assertThat(id.token()).matches("r[0-9a-f]{32}");
    assertThat(ReservationId.parse(id.toString())).isEqualTo(id);
  }

  @Test
  void anIdIsATenantAndRFollowedBy32LowercaseHexDigits() {
    String hex = "0123456789abcdef0123456789abcdef";
    assertThat(ReservationId.parse("acme:r" + hex).tenant()).isEqualTo("acme");
    for (String id :
        List.of(
            "acme:c" + hex,
            "acme:r" + hex.toUpperCase(Locale.ROOT),
            "acme:r" + hex + "0",
            "acme:r" + hex.substring(1),
            "acme:r" + hex.replace('f', 'g'),
            "a b:r" + hex,
            ":r" + hex,
            "acme")) {
      assertThatThrownBy(() -> ReservationId.parse(id))
          .as(id)
          .isInstanceOf(GovernorException.class)
          .hasMessage("reservation id must look like <tenant>:r<32 hex digits>");
    }
  }
}
