package com.infrafabric.chassis.internal.sandbox;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableLimits;
import com.infrafabric.hostapi.contract.ResourceLimits;

/**
 * A table of one instance, with fresh limits whose maximum is the contract's {@code
 * table.maxEntries} (or the module's own maximum if lower). Fresh limits per instance keep {@code
 * table.grow} from changing the limits Chicory keeps in the parsed module, which every instance
 * shares.
 *
 * <p>Every growth past the maximum returns -1, as {@code memory.grow} does: Chicory adds the delta
 * to the size in an {@code int}, so a delta near 2^31 overflows to a negative size that passes its
 * check and then fails to allocate. Here the sum is taken in a {@code long} first. Not thread-safe,
 * like the instance it belongs to.
 */
final class CappedTable extends TableInstance {

  CappedTable(Table declared, int initialValue, ResourceLimits limits) {
    super(capped(declared, limits), initialValue);
  }

  private static Table capped(Table declared, ResourceLimits limits) {
    long max = Math.min(declared.limits().max(), limits.tableMaxEntries());
    TableLimits fresh = new TableLimits(declared.limits().min(), max);
    return new Table(declared.elementType(), fresh, declared.initialize());
  }

  /**
   * @param delta entries to add, unsigned as the guest passed it (a negative {@code int} is a delta
   *     of 2^31 or more)
   * @return the previous size, or -1 if the table would grow past its maximum
   */
  @Override
  public int grow(int delta, int value, Instance instance) {
    if (delta < 0 || (long) size() + delta > limits().max()) {
      return -1;
    }
    return super.grow(delta, value, instance);
  }
}
