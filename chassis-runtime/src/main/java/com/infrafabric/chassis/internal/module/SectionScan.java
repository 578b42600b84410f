package com.infrafabric.chassis.internal.module;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.LimitExceededException;
import com.infrafabric.chassis.MalformedModuleException;
import com.infrafabric.chassis.OperatorConfig.ModuleCaps;

/**
 * Reads only the section headers and the code section's entry sizes of a binary, before the full
 * parser sees it, so that function count and body size caps hold before any parser allocates per
 * declared item. Never trusts a declared count or size beyond the bytes actually present.
 */
final class SectionScan {

  private static final int CODE_SECTION = 10;
  private static final byte[] HEADER = {0, 'a', 's', 'm', 1, 0, 0, 0};

  private final byte[] bytes;
  private int position;

  private SectionScan(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Checks {@code bytes} against the caps.
   *
   * @throws MalformedModuleException if the framing is broken
   * @throws LimitExceededException if a cap is exceeded
   */
  static void check(byte[] bytes, ModuleCaps caps) {
    if (bytes.length > caps.maxModuleBytes()) {
      throw new LimitExceededException(
          ErrorCode.MODULE_TOO_LARGE,
          "module is " + bytes.length + " bytes, above the cap of " + caps.maxModuleBytes());
    }
    new SectionScan(bytes).sections(caps);
  }

  private void sections(ModuleCaps caps) {
    for (int i = 0; i < HEADER.length; i++) {
      if (i >= bytes.length || bytes[i] != HEADER[i]) {
        throw malformed("module does not start with the WebAssembly 1.0 header");
      }
    }
    position = HEADER.length;
    while (position < bytes.length) {
      int id = bytes[position++] & 0xFF;
      long size = u32();
      if (size > bytes.length - position) {
        throw malformed("section " + id + " claims " + size + " bytes past the end of the module");
      }
      int end = position + (int) size;
      if (id == CODE_SECTION) {
        code(end, caps);
      }
      position = end;
    }
  }

  private void code(int end, ModuleCaps caps) {
    long count = u32();
    if (count > caps.maxFunctions()) {
      throw new LimitExceededException(
          ErrorCode.MODULE_TOO_LARGE,
          "module defines " + count + " functions, above the cap of " + caps.maxFunctions());
    }
    for (long i = 0; i < count; i++) {
      long size = u32();
      if (size > end - position) {
        throw malformed("function body " + i + " runs past the end of the code section");
      }
      if (size > caps.maxFunctionBodyBytes()) {
        throw new LimitExceededException(
            ErrorCode.MODULE_TOO_LARGE,
            "function body "
                + i
                + " is "
                + size
                + " bytes, above the cap of "
                + caps.maxFunctionBodyBytes());
      }
      position += (int) size;
    }
  }

  /** An unsigned LEB128 of at most 5 bytes, as every count and size in the binary format. */
  private long u32() {
    long result = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (position >= bytes.length) {
        throw malformed("module ends inside a length");
      }
      int b = bytes[position++] & 0xFF;
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (result > 0xFFFFFFFFL) {
          throw malformed("module holds a length above 2^32");
        }
        return result;
      }
    }
    throw malformed("module holds a length longer than 5 bytes");
  }

  private static MalformedModuleException malformed(String message) {
    return new MalformedModuleException(ErrorCode.MALFORMED_MODULE, message);
  }
}
