package com.infrafabric.chassis.internal.module;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.wasm.ChicoryException;
import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.LimitExceededException;

/**
 * Compiles modules to JVM byte code, on the calling build thread ({@link ModuleBuilds} bounds its
 * time and memory). A function too large for one JVM method is refused rather than interpreted, so
 * every tool runs at compiled speed and no tool silently runs 100 times slower.
 */
public final class ModuleCompiler {

  private ModuleCompiler() {}

  /**
   * @throws LimitExceededException with {@link ErrorCode#MODULE_NOT_COMPILABLE}
   */
  public static CompiledModule compile(ValidatedModule module) {
    try {
      return new CompiledModule(
          module.digest(),
          module.module(),
          MachineFactoryCompiler.builder(module.module())
              .withInterpreterFallback(InterpreterFallback.FAIL)
              .compile());
    } catch (ChicoryException failure) {
      throw new LimitExceededException(
          ErrorCode.MODULE_NOT_COMPILABLE, "module cannot be compiled: " + failure.getMessage());
    }
  }
}
