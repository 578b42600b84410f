package com.infrafabric.chassis.internal.module;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.ActiveElement;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.Element;
import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.UnlinkableModuleException;
import java.util.OptionalLong;

/**
 * Refuses a module that could never start: one with an active data segment past its initial memory,
 * or an active element segment past its table's initial size. Every instance copies its active
 * segments into place before anything runs and fails whole if one does not fit; the initial sizes
 * are the module's own (the chassis caps maximums, never initial sizes) and so are constant
 * offsets, so such a module would be stored only to answer every invocation with a trap. An offset
 * the module does not fix alone ({@link ConstantOffsets}) is left to the runtime.
 */
final class SegmentBounds {

  private SegmentBounds() {}

  /**
   * @throws UnlinkableModuleException with {@link ErrorCode#MODULE_NOT_INSTANTIABLE}, naming the
   *     first segment out of bounds
   */
  static void check(WasmModule module) {
    ConstantOffsets offsets = new ConstantOffsets(module);
    checkData(module, offsets);
    checkElements(module, offsets);
  }

  private static void checkData(WasmModule module, ConstantOffsets offsets) {
    long pages =
        module
            .memorySection()
            .filter(section -> section.memoryCount() > 0)
            .map(section -> (long) section.getMemory(0).limits().initialPages())
            .orElse(0L);
    long bytes = pages * Memory.PAGE_SIZE;
    DataSegment[] segments = module.dataSection().dataSegments();
    for (int i = 0; i < segments.length; i++) {
      if (segments[i] instanceof ActiveDataSegment active) {
        OptionalLong offset = offsets.of(active.offsetInstructions());
        long end = offset.orElse(0) + active.data().length;
        if (offset.isPresent() && end > bytes) {
          throw neverStarts(
              "data segment "
                  + i
                  + " fills bytes "
                  + offset.getAsLong()
                  + " to "
                  + end
                  + ", past the initial memory of "
                  + bytes
                  + " bytes ("
                  + pages
                  + (pages == 1 ? " page)" : " pages)"));
        }
      }
    }
  }

  private static void checkElements(WasmModule module, ConstantOffsets offsets) {
    Element[] elements = module.elementSection().elements();
    int tables = module.tableSection().tableCount();
    for (int i = 0; i < elements.length; i++) {
      if (elements[i] instanceof ActiveElement active && active.tableIndex() < tables) {
        long size = module.tableSection().getTable(active.tableIndex()).limits().min();
        OptionalLong offset = offsets.of(active.offset());
        long end = offset.orElse(0) + active.elementCount();
        if (offset.isPresent() && end > size) {
          throw neverStarts(
              "element segment "
                  + i
                  + " fills entries "
                  + offset.getAsLong()
                  + " to "
                  + end
                  + " of table "
                  + active.tableIndex()
                  + ", past its initial size of "
                  + size
                  + " entries");
        }
      }
    }
  }

  private static UnlinkableModuleException neverStarts(String segment) {
    return new UnlinkableModuleException(
        ErrorCode.MODULE_NOT_INSTANTIABLE, segment + ": the module could never start");
  }
}
