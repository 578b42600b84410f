package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OpenApiRouteTest {

  @Test
  void aDocumentThatRepeatsAKeyFailsAtStartNamingTheKey() {
    assertThatThrownBy(
            () -> OpenApiRoute.fromResource(OpenApiRouteTest.class, "/openapi/repeated-key.json"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/openapi/repeated-key.json is not strict JSON")
        .hasMessageContaining("'404'");
  }

  @Test
  void aMissingDocumentFailsAtStart() {
    assertThatThrownBy(
            () -> OpenApiRoute.fromResource(OpenApiRouteTest.class, "/openapi/none.json"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("missing");
  }
}
