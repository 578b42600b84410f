package com.infrafabric.hostapi.abi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AbiTest {

  @Test
  void errorCodesKeepTheirPublishedNumbers() {
    Map<String, Integer> published =
        Arrays.stream(AbiError.values()).collect(Collectors.toMap(Enum::name, AbiError::code));
    assertThat(published)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "INVALID_ARGUMENT", -1,
                "NOT_FOUND", -2,
                "BUFFER_TOO_SMALL", -3,
                "QUOTA_EXCEEDED", -4,
                "DENIED", -5,
                "TIMEOUT", -6,
                "UNAVAILABLE", -7,
                "TOO_LARGE", -8,
                "REQUEST_LIMIT", -9,
                "NO_RESULT", -10));
    assertThat(AbiError.ofCode(-3)).contains(AbiError.BUFFER_TOO_SMALL);
    assertThat(AbiError.ofCode(0)).isEmpty();
  }

  @Test
  void hostFunctionsHaveTheDocumentedSignatures() {
    assertThat(HostFunction.INPUT_SIZE.signature()).hasToString("() -> (i32)");
    assertThat(HostFunction.KV_PUT.signature()).hasToString("(i32, i32, i32, i32) -> (i32)");
    assertThat(HostFunction.byImportName("log")).contains(HostFunction.LOG);
    assertThat(HostFunction.byImportName("llm_complete")).isEmpty();
  }

  @Test
  void reservedNamesAreNotImplementedHostFunctions() {
    for (String reserved : Abi.RESERVED_NAMES) {
      assertThat(HostFunction.byImportName(reserved)).isEmpty();
    }
  }

  @Test
  void logLevelsMapFromTheirAbiValues() {
    assertThat(LogLevel.ofAbiValue(0)).contains(LogLevel.DEBUG);
    assertThat(LogLevel.ofAbiValue(3)).contains(LogLevel.ERROR);
    assertThat(LogLevel.ofAbiValue(4)).isEmpty();
    assertThat(LogLevel.ofAbiValue(-1)).isEmpty();
  }
}
