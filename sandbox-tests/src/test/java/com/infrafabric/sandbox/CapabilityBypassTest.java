package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.UnlinkableModuleException;
import com.infrafabric.chassis.testing.Guests;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Modules importing what their contract does not grant, or in a shape the ABI does not define: all
 * refused at registration, before any code runs, and counted as denied attempts.
 */
@Timeout(60)
class CapabilityBypassTest {

  private static final String RUN = "(func (export \"run\") (result i32) i32.const 0)";
  private static final String MEMORY = "(memory (export \"memory\") 1)";

  @RegisterExtension static final SandboxHost HOST = SandboxHost.create();

  @Test
  void anUngrantedKvImportIsRefusedAndCountedAsADeniedAttempt() {
    double before = HOST.denied("contract");
    assertUnlinkable(
        "(import \"infrafabric\" \"kv_get\" (func (param i32 i32) (result i32)))",
        "import infrafabric.kv_get needs capability kv, which the contract does not grant");
    assertThat(HOST.denied("contract")).isEqualTo(before + 1);
  }

  @Test
  void anUngrantedHttpImportIsRefused() {
    assertUnlinkable(
        "(import \"infrafabric\" \"http_request\" (func (param i32 i32) (result i32)))",
        "import infrafabric.http_request needs capability http, which the contract does not grant");
  }

  @Test
  void aGrantedImportWithAnotherSignatureIsRefused() {
    assertUnlinkable(
        "(import \"infrafabric\" \"output_write\" (func (param i64 i64) (result i32)))",
        "import infrafabric.output_write has type (i64, i64) -> (i32) but the ABI defines"
            + " (i32, i32) -> (i32)");
  }

  @Test
  void anImportTheAbiDoesNotDefineIsRefused() {
    assertUnlinkable(
        "(import \"infrafabric\" \"exec\" (func (param i32 i32) (result i32)))",
        "import infrafabric.exec is not defined by the ABI");
  }

  @Test
  void llmCompleteNeedsTheLlmGrant() {
    assertUnlinkable(
        "(import \"infrafabric\" \"llm_complete\" (func (param i32 i32) (result i32)))",
        "import infrafabric.llm_complete needs capability llm, which the contract does not grant");
  }

  @Test
  void aCredentialedRequestNeedsCredentialsInTheContract() {
    byte[] module =
        Guests.wat(
            "(module (import \"infrafabric\" \"http_request_with_credential\" (func (param i32 i32"
                + " i32 i32) (result i32))) "
                + MEMORY
                + " "
                + RUN
                + ")");
    assertThatThrownBy(
            () ->
                HOST.register(
                    module,
                    c -> c.grantHttp(List.of("https://api.example.com:443"), 1, 1000, 1024)))
        .isInstanceOf(UnlinkableModuleException.class)
        .hasMessage(
            "import infrafabric.http_request_with_credential needs http.credentials, which the"
                + " contract does not list");
  }

  @Test
  void importsFromAnyOtherModuleAreRefused() {
    assertUnlinkable(
        "(import \"env\" \"system\" (func (param i32) (result i32)))",
        "import env.system is from module env; only infrafabric and wasi_snapshot_preview1 are"
            + " linked");
  }

  @Test
  void importedMemoriesTablesAndGlobalsAreRefused() {
    byte[] sharedHeap =
        Guests.wat("(module (import \"infrafabric\" \"heap\" (memory 1)) " + RUN + ")");
    assertThatThrownBy(() -> HOST.register(sharedHeap, c -> c))
        .hasMessage("import infrafabric.heap is a memory; modules may import functions only");
    assertUnlinkable(
        "(import \"infrafabric\" \"secrets\" (global i32))",
        "import infrafabric.secrets is a global; modules may import functions only");
  }

  @Test
  void wasiImportsNeedTheWasiGrant() {
    assertUnlinkable(
        "(import \"wasi_snapshot_preview1\" \"fd_write\" (func (param i32 i32 i32 i32) (result i32)))",
        "import wasi_snapshot_preview1.fd_write needs capability wasi, which the contract does not"
            + " grant");
  }

  private static void assertUnlinkable(String imports, String message) {
    byte[] module = Guests.wat("(module " + imports + " " + MEMORY + " " + RUN + ")");
    assertThatThrownBy(() -> HOST.register(module, c -> c))
        .isInstanceOfSatisfying(
            UnlinkableModuleException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNLINKABLE_IMPORT))
        .hasMessage(message);
  }
}
