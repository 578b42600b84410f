package com.infrafabric.sandbox;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.ToolInfo;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestGrants;
import com.infrafabric.llm.ProviderSettings;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.platform.testing.TestTokens;
import com.infrafabric.wire.grant.Grant;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Coverage-guided fuzzing of every host function's ABI arguments: a guest ({@code abi-fuzz.wat})
 * calls the functions the input chooses with the pointers, lengths, levels and JSON the input
 * chooses, under a contract and a grant that allow all of them. Whatever it does, the invocation
 * ends with an outcome (a trap or a limit at worst), never a host failure, and the host is healthy
 * after every input ({@link SandboxHost}). Seeds are in {@code HostAbiFuzzTestInputs/}.
 */
class HostAbiFuzzTest {

  private static final String MODEL = "offline-small";
  private static final GovernedBudget BUDGET = GovernedBudget.start(Long.MAX_VALUE / 4);
  private static final TestTokens GOVERNOR_KEYS = GovernorKeys.create();
  private static final TestGrants GRANTS = new TestGrants(GOVERNOR_KEYS, Clock.systemUTC());

  /** Every name resolves to loopback, which the egress policy refuses without a connection. */
  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config ->
              config
                  .grantVerification(GOVERNOR_KEYS.settings())
                  .llmProviders(List.of(ProviderSettings.offline(List.of(MODEL)))),
          host -> List.of(InetAddress.getLoopbackAddress()),
          parts ->
              parts
                  .masterKeys(MasterKeys.parse(MasterKeys.generateJwks("fuzz-1")))
                  .budget(BUDGET.port()));

  private static ToolInfo tool;

  @BeforeAll
  static void register() {
    tool =
        HOST.register(
            Guests.fixture("abi-fuzz.wat"),
            c ->
                c.grant("log")
                    .grantKv(64 << 10, 32)
                    .grantHttp(List.of("https://fuzz.example:443"), 4, 2000, 64 << 10)
                    .credentials(List.of("fuzz-key"))
                    .grantLlm(List.of(MODEL), 4, 64)
                    .limit("memory", "maxPages", 4)
                    .limit("timeoutMs", null, 5000));
  }

  @AfterAll
  static void stopPeers() {
    BUDGET.close();
  }

  @FuzzTest(maxDuration = "60s")
  void hostFunctions(byte[] program) {
    Grant grant =
        GRANTS.grant(
            tool.digest(),
            Set.of("kv", "http", "llm"),
            Set.of("fuzz-key"),
            Set.of(MODEL),
            1_000_000,
            1);
    InvocationContext context = GRANTS.context(grant);
    FuzzedHost.assertAnsweredByTheHostFunctions(HOST.invoke(tool.ref(), letters(program), context));
  }

  /** The program as the JSON string the guest decodes: two letters 'a'..'p' per byte. */
  private static String letters(byte[] program) {
    int length = Math.min(program.length, 16_000);
    StringBuilder json = new StringBuilder(2 * length + 2).append('"');
    for (int i = 0; i < length; i++) {
      json.append((char) ('a' + ((program[i] >> 4) & 0xF)))
          .append((char) ('a' + (program[i] & 0xF)));
    }
    return json.append('"').toString();
  }
}
