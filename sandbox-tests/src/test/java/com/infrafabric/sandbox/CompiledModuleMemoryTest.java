package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.chassis.ChassisException;
import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.ModuleCaps;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Modules each well under the size cap but parsing into many instructions fill no more than the
 * compiled cache's bytes: the probe's forty 0.7 MB modules (22 MB each as parsed) filled the 1 GB
 * heap the chassis shares with the governor, and both services stopped keeping their deadlines.
 * Past the bound the least recently used are evicted and compiled again on their next use; a module
 * that alone would keep more than the bound is refused at publish.
 */
@Timeout(120)
class CompiledModuleMemoryTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final long CACHE_BYTES = 1 << 20;

  private static TestChassis chassis;

  @BeforeAll
  static void start() {
    chassis =
        TestChassis.start(
            REDIS.endpoint(),
            c ->
                c.moduleCaps(
                    ModuleCaps.defaults().toBuilder().compiledCacheBytes(CACHE_BYTES).build()),
            HostResolver.system());
  }

  @AfterAll
  static void stop() {
    chassis.close();
  }

  @Test
  void manyDenseModulesStayWithinTheCacheBytesAndStillRun() {
    List<ToolRef> tools = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      // About 2,400 instructions, 154 KB as parsed: twelve are 1.8 MB.
      tools.add(chassis.register(dense(1, i), c -> c).ref());
    }

    for (ToolRef tool : List.of(tools.get(0), tools.get(11), tools.get(0))) {
      assertThat(chassis.invoke(tool, "1").outcome()).isEqualTo(Outcome.SUCCESS);
    }
    double kept = chassis.gauge("chassis.modules.compiled.memory");
    assertThat(kept).isPositive().isLessThanOrEqualTo(CACHE_BYTES);
  }

  @Test
  void aModuleThatAloneWouldKeepMoreThanTheCacheIsRefusedAtPublish() {
    // Eight such functions: about 1.2 MB as parsed, from a 30 KB binary.
    assertThatThrownBy(() -> chassis.register(dense(8, 99), c -> c))
        .isInstanceOfSatisfying(
            ChassisException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MODULE_TOO_LARGE))
        .hasMessageContaining("all compiled modules may keep on this node");
  }

  /** {@code functions} bodies of 1,200 additions each, and a run that calls the first one. */
  private static byte[] dense(int functions, int variant) {
    StringBuilder wat =
        new StringBuilder(
            "(module (import \"infrafabric\" \"output_write\" (func $w (param i32 i32) (result"
                + " i32))) (memory (export \"memory\") 1) (data (i32.const 0) \"1\")");
    for (int f = 0; f < functions; f++) {
      wat.append(" (func $f").append(f).append(" (param i32) (result i32) (local.get 0)");
      for (int i = 0; i < 1_200; i++) {
        wat.append(" (i32.add (i32.const ").append(i + variant).append("))");
      }
      wat.append(')');
    }
    wat.append(" (func (export \"run\") (result i32) (drop (call $f0 (i32.const 1)))")
        .append(" (drop (call $w (i32.const 0) (i32.const 1))) (i32.const 0)))");
    return Guests.wat(wat.toString());
  }
}
