package com.infrafabric.chassis.internal.module;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.LimitExceededException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Compiles modules to JVM byte code on a bounded executor, waiting at most the operator's compile
 * timeout. A function too large for one JVM method is refused rather than interpreted, so every
 * tool runs at compiled speed and no tool silently runs 100 times slower. Compilation cannot be
 * stopped mid-way; the pre-parse caps on function count and body size bound how long a timed-out
 * compilation keeps its thread.
 */
public final class ModuleCompiler {

  private final ExecutorService executor;
  private final Duration timeout;

  public ModuleCompiler(ExecutorService executor, Duration timeout) {
    this.executor = executor;
    this.timeout = timeout;
  }

  /**
   * Compiles {@code module}; blocks the calling (worker) thread.
   *
   * @throws LimitExceededException with {@link ErrorCode#MODULE_NOT_COMPILABLE}
   */
  public CompiledModule compile(ValidatedModule module) throws InterruptedException {
    Future<Function<Instance, Machine>> compilation =
        executor.submit(
            () ->
                MachineFactoryCompiler.builder(module.module())
                    .withInterpreterFallback(InterpreterFallback.FAIL)
                    .compile());
    try {
      return new CompiledModule(
          module.digest(),
          module.module(),
          compilation.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      compilation.cancel(true);
      throw new LimitExceededException(
          ErrorCode.MODULE_NOT_COMPILABLE,
          "compiling the module took longer than " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ChicoryException failure) {
        throw new LimitExceededException(
            ErrorCode.MODULE_NOT_COMPILABLE, "module cannot be compiled: " + failure.getMessage());
      }
      throw new IllegalStateException("compiler failed unexpectedly", e.getCause());
    }
  }
}
