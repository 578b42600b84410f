package com.infrafabric.sandbox;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.ModuleCaps;
import com.infrafabric.chassis.ToolInfo;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.platform.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Coverage-guided fuzzing of module publication: module bytes under a contract that matches them,
 * and contracts (signed or not) for a valid module. Whatever the input, publication is a tool or a
 * 4xx refusal; a registered tool answers an invocation with an outcome; the host is healthy after
 * every input ({@link SandboxHost}). Seeds are in {@code ModulePublishFuzzTestInputs/<method>/}.
 */
class ModulePublishFuzzTest {

  private static final byte[] ECHO = Guests.wat(Guests.ECHO);
  private static final String[] CAPABILITIES = {"log", "kv", "wasi", "http"};

  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config ->
              config
                  .moduleCaps(
                      ModuleCaps.builder()
                          .maxModuleBytes(256 << 10)
                          .maxFunctionBodyBytes(64 << 10)
                          .compileTimeout(Duration.ofSeconds(10))
                          .compiledCacheSize(16)
                          .build())
                  .allowedSchemes(java.util.Set.of("https")),
          HostResolver.system());

  private static final AtomicLong VERSIONS = new AtomicLong();

  /**
   * The first byte chooses the capabilities the contract grants beside io (one bit each); the rest
   * is the module, whose digest the contract names.
   */
  @FuzzTest(maxDuration = "60s")
  void moduleBytes(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] module = Arrays.copyOfRange(input, 1, input.length);
    // A version of its own: a deleted version comes back only with its own module.
    Contracts contract =
        Contracts.forModule("fuzzed", module)
            .version("1.0." + VERSIONS.incrementAndGet())
            .limit("memory", "maxPages", 16);
    for (int bit = 0; bit < CAPABILITIES.length; bit++) {
      if ((input[0] & (1 << bit)) != 0) {
        contract = grant(contract, CAPABILITIES[bit]);
      }
    }
    publishAndInvoke(module, contract.signedBy(TestChassis.PUBLISHER));
  }

  /**
   * A valid module under a contract the fuzzer writes: after a first byte whose low bit says which,
   * the rest is the payload the trusted key signs, or the JWS itself (UTF-8).
   */
  @FuzzTest(maxDuration = "60s")
  void contract(byte[] input) {
    if (input.length == 0) {
      return;
    }
    String text = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
    publishAndInvoke(ECHO, (input[0] & 1) == 1 ? TestChassis.PUBLISHER.sign(text) : text);
  }

  private static Contracts grant(Contracts contract, String capability) {
    return switch (capability) {
      case "kv" -> contract.grantKv(4096, 16);
      case "http" ->
          contract.grantHttp(java.util.List.of("https://example.com:443"), 1, 1000, 4096);
      default -> contract.grant(capability);
    };
  }

  private static void publishAndInvoke(byte[] module, String jws) {
    ToolInfo tool;
    try {
      tool = Await.result(HOST.chassis().register(module, jws), Duration.ofSeconds(30));
    } catch (RuntimeException refused) {
      FuzzedHost.assertRefusedAs4xx(refused);
      return;
    }
    FuzzedHost.assertAnswered(HOST.invoke(tool.ref(), "{\"fuzz\":true}"));
    Await.result(HOST.chassis().delete(tool.ref()));
  }
}
