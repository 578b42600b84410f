package com.infrafabric.chassis.internal.module;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
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
   * Compiles {@code module}. The compiler is not bound to refuse only what it announces: besides
   * its own exceptions, modules the validator accepted can make it throw argument, index or state
   * exceptions, or generate classes the JVM verifier rejects while it loads them. Each of those is
   * the module's failure to compile, whichever exception it arrived as, so all of them are refused
   * alike, with the compiler's first line of reason.
   *
   * @throws LimitExceededException with {@link ErrorCode#MODULE_NOT_COMPILABLE}
   */
  public static CompiledModule compile(ValidatedModule module) {
    try {
      return new CompiledModule(
          module.digest(),
          module.module(),
          MachineFactoryCompiler.builder(module.module())
              .withInterpreterFallback(InterpreterFallback.FAIL)
              .compile(),
          ModuleFootprint.retainedBytes(module.module()));
    } catch (RuntimeException | LinkageError failure) {
      throw new LimitExceededException(
          ErrorCode.MODULE_NOT_COMPILABLE, "module cannot be compiled: " + reason(failure));
    }
  }

  /**
   * The first line of the compiler's message (the verifier's runs on for pages); not the exception
   * type, which says nothing to a publisher and would name the host's internals in the response.
   */
  private static String reason(Throwable failure) {
    String message = failure.getMessage();
    return message == null || message.isBlank()
        ? "the compiler gave no reason"
        : message.lines().findFirst().orElseThrow();
  }
}
