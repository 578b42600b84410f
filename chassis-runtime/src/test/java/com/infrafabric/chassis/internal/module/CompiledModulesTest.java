package com.infrafabric.chassis.internal.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.wasm.Parser;
import com.infrafabric.chassis.ChassisException;
import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.hostapi.contract.ModuleDigest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The compiled cache is bounded by the heap its modules keep, not only by their count: forty
 * modules well under the size cap once filled the heap the node shares with the governor.
 */
class CompiledModulesTest {

  @Test
  void modulesPastTheBytesEvictTheLeastRecentlyUsedAndSaySo() {
    List<ModuleDigest> evicted = new ArrayList<>();
    CompiledModules cache = new CompiledModules(100, 1_000);
    cache.whenEvicted(evicted::add);
    CompiledModule a = module(1, 400);
    CompiledModule b = module(2, 400);
    cache.add(a);
    cache.add(b);
    cache.get(a.digest());

    cache.add(module(3, 400));

    assertThat(evicted).containsExactly(b.digest());
    assertThat(cache.get(b.digest())).isEmpty();
    assertThat(cache.get(a.digest())).contains(a);
    assertThat(cache.bytes()).isEqualTo(800);
  }

  @Test
  void theCountStillBoundsSmallModules() {
    CompiledModules cache = new CompiledModules(2, 1_000_000);
    for (int i = 0; i < 5; i++) {
      cache.add(module(i, 1));
    }
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.bytes()).isEqualTo(2);
  }

  @Test
  void aModuleThatAloneKeepsMoreThanTheCacheMayIsRefusedAndEvictsNothing() {
    CompiledModules cache = new CompiledModules(100, 1_000);
    CompiledModule kept = module(1, 600);
    cache.add(kept);

    assertThatThrownBy(() -> cache.add(module(2, 1_001)))
        .isInstanceOfSatisfying(
            ChassisException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MODULE_TOO_LARGE))
        .hasMessageContaining("above the 1000 all compiled modules may keep");
    assertThat(cache.get(kept.digest())).contains(kept);
  }

  @Test
  void aModuleAddedTwiceIsKeptOnceAndCountedOnce() {
    CompiledModules cache = new CompiledModules(100, 1_000);
    CompiledModule first = module(1, 300);
    cache.add(first);

    assertThat(cache.add(module(1, 300))).isSameAs(first);
    assertThat(cache.bytes()).isEqualTo(300);
  }

  @Test
  void theFootprintCountsParsedInstructionsNotTheBinary() {
    // One body of 1,200 adds: a 3.6 KB binary whose parse keeps 2,402 instructions.
    StringBuilder body = new StringBuilder("(local.get 0)");
    for (int i = 0; i < 1_200; i++) {
      body.append(" (i32.add (i32.const ").append(i).append("))");
    }
    byte[] wasm =
        Guests.wat("(module (func (export \"run\") (param i32) (result i32) " + body + "))");

    long retained = ModuleFootprint.retainedBytes(Parser.parse(wasm));

    assertThat(retained)
        .isGreaterThan(2_400 * ModuleFootprint.INSTRUCTION)
        .isGreaterThan(30L * wasm.length);
  }

  private static CompiledModule module(int id, long retainedBytes) {
    return new CompiledModule(
        ModuleDigest.of(new byte[] {(byte) id}), null, instance -> null, retainedBytes);
  }
}
