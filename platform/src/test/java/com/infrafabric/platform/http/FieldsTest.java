package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FieldsTest {

  private static ApiException refusal(Runnable read) {
    try {
      read.run();
    } catch (ApiException e) {
      return e;
    }
    throw new AssertionError("the read was not refused");
  }

  @Test
  void anUnknownFieldIsRefusedListingTheAllowedOnes() {
    ApiException e =
        refusal(() -> Fields.of(new JsonObject().put("colour", "red"), Set.of("b", "a")));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).isEqualTo("colour is not a known field (allowed: a, b)");
    assertThat(e.details()).containsEntry("field", "colour");
  }

  /** Regression: a body sent where none is taken was told "(allowed: )". */
  @Test
  void aFieldWhereNoneIsTakenSaysTheRequestTakesNone() {
    assertThat(refusal(() -> Fields.of(new JsonObject().put("a", 1), Set.of())).getMessage())
        .isEqualTo("a is not a known field (this request takes none: send no body, or {})");
  }

  @Test
  void wrongTypesAndMissingFieldsNameTheFieldWithItsPrefix() {
    Fields fields =
        Fields.of(
            new JsonObject().put("n", "ten").put("s", 1).put("o", 2).put("v", (Object) null),
            "limits.day.",
            Set.of("n", "s", "o", "v"));
    assertThat(refusal(() -> fields.exactInteger("n")).getMessage())
        .isEqualTo("limits.day.n must be an integer");
    assertThat(refusal(() -> fields.string("s")).getMessage())
        .isEqualTo("limits.day.s must be a string");
    assertThat(refusal(() -> fields.optionalObject("o")).getMessage())
        .isEqualTo("limits.day.o must be an object");
    assertThat(refusal(() -> fields.array("o")).getMessage())
        .isEqualTo("limits.day.o must be an array");
    assertThat(refusal(() -> fields.value("v")).getMessage()).isEqualTo("limits.day.v is required");
    assertThat(fields.fullName("n"))
        .as("the name a check outside the reader gives the field")
        .isEqualTo("limits.day.n");
  }

  @Test
  void valuesOfAnyJsonTypeAreReturnedAsParsed() {
    Fields fields =
        Fields.of(
            new JsonObject("{\"i\":7,\"a\":[1],\"t\":\"x\",\"b\":false}"),
            Set.of("i", "a", "t", "b"));
    assertThat(fields.exactInteger("i")).isEqualTo(BigInteger.valueOf(7));
    assertThat(fields.array("a").getInteger(0)).isEqualTo(1);
    assertThat(fields.value("b")).isEqualTo(false);
    assertThat(fields.value("t")).isEqualTo("x");
    assertThat(fields.has("missing")).isFalse();
    assertThatThrownBy(() -> fields.string("missing")).hasMessage("missing is required");
  }

  @Test
  void integersOutsideTheirRangeAreRefusedNamingFieldAndRangeNeverTruncated() {
    Fields fields =
        Fields.of(
            (JsonObject)
                StrictJson.parse(
                    "{\"slots\":4294967297,\"huge\":18446744073709551617,\"neg\":-9223372036854775808,\"s\":\"4294967297\",\"f\":1.0,\"e\":1e3}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            "grant.",
            Set.of("slots", "huge", "neg", "s", "f", "e"));
    ApiException slots = refusal(() -> fields.intValue("slots", 1, 1000));
    assertThat(slots.getMessage()).isEqualTo("grant.slots 4294967297 is outside 1..1000");
    assertThat(slots.details())
        .containsEntry("field", "grant.slots")
        .containsEntry("min", 1L)
        .containsEntry("max", 1000L);
    assertThat(refusal(() -> fields.integer("huge", Long.MIN_VALUE, Long.MAX_VALUE)).getMessage())
        .isEqualTo(
            "grant.huge 18446744073709551617 is outside -9223372036854775808..9223372036854775807");
    assertThat(fields.exactInteger("huge")).isEqualTo(new BigInteger("18446744073709551617"));
    assertThat(refusal(() -> fields.optionalInteger("neg", 1, 1L << 31)).getMessage())
        .isEqualTo("grant.neg -9223372036854775808 is outside 1..2147483648");
    assertThat(refusal(() -> fields.intValue("s", 1, 1000)).getMessage())
        .isEqualTo("grant.s must be an integer from 1 to 1000");
    assertThat(refusal(() -> fields.exactInteger("f")).getMessage())
        .isEqualTo("grant.f must be an integer");
    assertThat(refusal(() -> fields.exactInteger("e")).getMessage())
        .isEqualTo("grant.e must be an integer");
    assertThat(refusal(() -> fields.exactInteger("s")).getMessage())
        .isEqualTo("grant.s must be an integer");
    assertThat(fields.exactInteger("neg")).isEqualTo(BigInteger.valueOf(Long.MIN_VALUE));
    assertThat(fields.optionalInt("missing", 1, 5)).isEmpty();
  }

  @Test
  void decimalTextIsReadStrictly() {
    assertThat(Fields.decimal("limit", "100", 1, 1000)).isEqualTo(100);
    assertThat(Fields.decimal("v", "-7", -10, 10)).isEqualTo(-7);
    assertThat(Fields.decimal("v", "0", 0, 10)).isZero();
    for (String bad :
        new String[] {
          "+1",
          "01",
          "-0",
          " 1",
          "1 ",
          "1.0",
          "1e2",
          "0x10",
          "\u0661",
          "",
          "-",
          "99999999999999999999"
        }) {
      ApiException e = refusal(() -> Fields.decimal("v", bad, -1_000, 1_000));
      assertThat(e.details()).as(bad).containsEntry("field", "v");
    }
    assertThat(refusal(() -> Fields.decimal("v", "4294967297", 1, 1000)).getMessage())
        .isEqualTo("v 4294967297 is outside 1..1000");
    assertThat(refusal(() -> Fields.decimal("v", null, 1, 2)).getMessage())
        .isEqualTo("v must be a decimal integer from 1 to 2");
  }
}
