package com.infrafabric.hostapi.abi;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.hostapi.contract.CapabilityKind;
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
            Map.ofEntries(
                Map.entry("INVALID_ARGUMENT", -1),
                Map.entry("NOT_FOUND", -2),
                Map.entry("BUFFER_TOO_SMALL", -3),
                Map.entry("QUOTA_EXCEEDED", -4),
                Map.entry("DENIED", -5),
                Map.entry("TIMEOUT", -6),
                Map.entry("UNAVAILABLE", -7),
                Map.entry("TOO_LARGE", -8),
                Map.entry("REQUEST_LIMIT", -9),
                Map.entry("NO_RESULT", -10),
                Map.entry("BUDGET_DENIED", -11),
                Map.entry("MODEL_NOT_ALLOWED", -12),
                Map.entry("CREDENTIAL_NOT_GRANTED", -13),
                Map.entry("PROVIDER_UNAVAILABLE", -14)));
    assertThat(AbiError.ofCode(-3)).contains(AbiError.BUFFER_TOO_SMALL);
    assertThat(AbiError.ofCode(0)).isEmpty();
  }

  @Test
  void hostFunctionsHaveTheDocumentedSignatures() {
    assertThat(HostFunction.INPUT_SIZE.signature()).hasToString("() -> (i32)");
    assertThat(HostFunction.KV_PUT.signature()).hasToString("(i32, i32, i32, i32) -> (i32)");
    assertThat(HostFunction.byImportName("log")).contains(HostFunction.LOG);
    assertThat(HostFunction.byImportName("llm_complete")).contains(HostFunction.LLM_COMPLETE);
    assertThat(HostFunction.LLM_COMPLETE.signature()).hasToString("(i32, i32) -> (i32)");
    assertThat(HostFunction.HTTP_REQUEST_WITH_CREDENTIAL.signature())
        .hasToString("(i32, i32, i32, i32) -> (i32)");
    assertThat(HostFunction.HTTP_REQUEST_WITH_CREDENTIAL.capability())
        .isEqualTo(CapabilityKind.HTTP);
    assertThat(HostFunction.LLM_COMPLETE.capability()).isEqualTo(CapabilityKind.LLM);
  }

  @Test
  void logLevelsMapFromTheirAbiValues() {
    assertThat(LogLevel.ofAbiValue(0)).contains(LogLevel.DEBUG);
    assertThat(LogLevel.ofAbiValue(3)).contains(LogLevel.ERROR);
    assertThat(LogLevel.ofAbiValue(4)).isEmpty();
    assertThat(LogLevel.ofAbiValue(-1)).isEmpty();
  }
}
