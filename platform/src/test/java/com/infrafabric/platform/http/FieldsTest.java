package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
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

  @Test
  void wrongTypesAndMissingFieldsNameTheFieldWithItsPrefix() {
    Fields fields =
        Fields.of(
            new JsonObject().put("n", "ten").put("s", 1).put("o", 2).put("v", (Object) null),
            "limits.day.",
            Set.of("n", "s", "o", "v"));
    assertThat(refusal(() -> fields.integer("n")).getMessage())
        .isEqualTo("limits.day.n must be an integer");
    assertThat(refusal(() -> fields.string("s")).getMessage())
        .isEqualTo("limits.day.s must be a string");
    assertThat(refusal(() -> fields.optionalObject("o")).getMessage())
        .isEqualTo("limits.day.o must be an object");
    assertThat(refusal(() -> fields.array("o")).getMessage())
        .isEqualTo("limits.day.o must be an array");
    assertThat(refusal(() -> fields.value("v")).getMessage()).isEqualTo("limits.day.v is required");
  }

  @Test
  void valuesOfAnyJsonTypeAreReturnedAsParsed() {
    Fields fields =
        Fields.of(
            new JsonObject("{\"i\":7,\"a\":[1],\"t\":\"x\",\"b\":false}"),
            Set.of("i", "a", "t", "b"));
    assertThat(fields.integer("i")).isEqualTo(7);
    assertThat(fields.array("a").getInteger(0)).isEqualTo(1);
    assertThat(fields.value("b")).isEqualTo(false);
    assertThat(fields.value("t")).isEqualTo("x");
    assertThat(fields.has("missing")).isFalse();
    assertThatThrownBy(() -> fields.string("missing")).hasMessage("missing is required");
  }
}
