package com.infrafabric.chassis.internal.sandbox;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ExecutionCompletedException;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.internal.module.CompiledModule;
import com.infrafabric.chassis.internal.module.EntryPoint;
import com.infrafabric.hostapi.abi.Abi;
import com.infrafabric.hostapi.contract.ResourceLimits;
import com.infrafabric.llm.Cancellation;
import com.infrafabric.llm.vault.RedactionInterrupted;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one invocation on the calling guest thread: a fresh instance (never reused, never shared)
 * whose memory and tables are capped by the contract before anything is allocated, the entry point
 * under the watchdog, and whatever happened mapped to an outcome.
 *
 * <p>Chicory's {@code withMemoryLimits} would replace the module's declared limits rather than cap
 * them, so the memory factory does the capping: it refuses a declared initial size above the
 * contract's pages, and creates the memory with maximum {@code min(declared, contract)}, so that
 * {@code memory.grow} beyond the contract returns -1. Tables are capped the same way ({@link
 * CappedTable}), so {@code table.grow} beyond the contract returns -1 too.
 *
 * <p>This is the one place guest code runs, so it is the one place that decides what a failure
 * means: anything thrown while the guest's code runs ends as an outcome, never as a failure of the
 * request.
 */
public final class GuestRunner {

  private static final Logger LOG = LoggerFactory.getLogger(GuestRunner.class);
  private final Watchdog watchdog;

  public GuestRunner(Watchdog watchdog) {
    this.watchdog = watchdog;
  }

  /**
   * Runs the invocation's guest until it ends, passes {@code deadline} or its CPU time, or {@code
   * cancellation} is cancelled: each stops it at once, with its outcome. The output is redacted
   * ({@link Invocation#sealOutput()}) before the watch ends.
   */
  public RunResult run(
      CompiledModule compiled,
      EntryPoint entryPoint,
      Invocation invocation,
      Function<Invocation, LinkedImports> linker,
      Instant deadline,
      Cancellation cancellation) {
    ResourceLimits limits = invocation.limits();
    Memory[] memory = new Memory[1];
    Outcome outcome;
    String message;
    Duration cpu;
    try (Watchdog.Watch watch = watchdog.watchCurrentThread(deadline, limits.cpuTime())) {
      // Cancelled already, the guest is stopped at its first call or loop back-edge.
      cancellation.onCancel(watch::cancel);
      RunResult attempt = attempt(compiled, entryPoint, invocation, linker, memory);
      // Redacting the output is the guest's work too: counted in its CPU time, stopped with it.
      invocation.sealOutput();
      cpu = watch.cpuTime();
      outcome = attempt.outcome();
      message = attempt.message();
      if (watch.stoppedBy() != null) {
        outcome = watch.stoppedBy();
        message = stopped(outcome, limits);
      }
    }
    int pages = memory[0] == null ? 0 : memory[0].pages();
    if (outcome == Outcome.TRAP && pages >= limits.memoryMaxPages()) {
      return new RunResult(
          Outcome.MEMORY_LIMIT,
          "the tool failed at its memory limit of "
              + limits.memoryMaxPages()
              + " pages: "
              + message,
          cpu,
          pages);
    }
    return new RunResult(outcome, message, cpu, pages);
  }

  /** Why the watchdog stopped the guest, for its caller. */
  private static String stopped(Outcome by, ResourceLimits limits) {
    return switch (by) {
      case TIMEOUT -> "the tool ran past its deadline of " + limits.timeout().toMillis() + " ms";
      case CANCELLED -> "the caller cancelled the invocation while the tool ran";
      default -> "the tool used more than " + limits.cpuTime().toMillis() + " ms of CPU time";
    };
  }

  private RunResult attempt(
      CompiledModule compiled,
      EntryPoint entryPoint,
      Invocation invocation,
      Function<Invocation, LinkedImports> linker,
      Memory[] memory) {
    try (LinkedImports imports = linker.apply(invocation)) {
      ResourceLimits limits = invocation.limits();
      Instance instance =
          Instance.builder(compiled.module())
              .withMachineFactory(compiled.machineFactory())
              .withImportValues(imports.values())
              .withMemoryFactory(declared -> memory[0] = cappedMemory(declared, limits))
              .withTableFactory((table, init) -> new CappedTable(table, init, limits))
              .withStart(false)
              .build();
      int status = enter(instance, entryPoint);
      return status == 0
          ? result(Outcome.SUCCESS, "")
          : result(Outcome.TOOL_ERROR, "the tool returned status " + status);
    } catch (GuestHalt halt) {
      return result(halt.outcome(), halt.getMessage());
    } catch (WasiExitException exit) {
      return exit.exitCode() == 0
          ? result(Outcome.SUCCESS, "")
          : result(Outcome.TOOL_ERROR, "the tool exited with status " + exit.exitCode());
    } catch (ExecutionCompletedException exitZero) {
      return result(Outcome.SUCCESS, "");
    } catch (ChicoryException trap) {
      return result(Outcome.TRAP, String.valueOf(trap.getMessage()));
    } catch (StackOverflowError overflow) {
      return result(Outcome.TRAP, "call stack exhausted");
    } catch (RedactionInterrupted stopped) {
      // A host call's answer was being redacted when the watch stopped the guest; its outcome is
      // the watch's.
      return result(Outcome.TRAP, stopped.getMessage());
    } catch (RuntimeException | OutOfMemoryError escaped) {
      return escaped(escaped, invocation);
    }
  }

  /**
   * Whatever else the guest's code made the runtime throw: Chicory does not wrap every failure it
   * meets on a guest's behalf in its own exception, and an allocation a guest asked for may not fit
   * the heap. The guest caused it, so it is the guest's trap; the caller gets a plain sentence, the
   * operator the exception in the service log, within the rate of lines its tenant and tool have
   * there (a guest can fail so in every invocation).
   */
  private static RunResult escaped(Throwable escaped, Invocation invocation) {
    if (invocation.hostMayLog()) {
      LOG.atWarn()
          .addKeyValue("tool", invocation.tool().toString())
          .addKeyValue("invocation", invocation.context().invocationId())
          .setCause(escaped)
          .log("a guest made the runtime fail; answered as a trap");
    }
    return result(
        Outcome.TRAP,
        escaped instanceof OutOfMemoryError
            ? "the tool asked for more memory than the host could allocate"
            : "the tool made the runtime fail (an operation out of range)");
  }

  private static int enter(Instance instance, EntryPoint entryPoint) {
    if (entryPoint == EntryPoint.ABI) {
      return (int) instance.export(Abi.ENTRY_POINT).apply()[0];
    }
    instance.export(Abi.WASI_ENTRY_POINT).apply();
    return 0;
  }

  private static Memory cappedMemory(MemoryLimits declared, ResourceLimits limits) {
    int cap = limits.memoryMaxPages();
    if (declared.initialPages() > cap) {
      throw new GuestHalt(
          Outcome.MEMORY_LIMIT,
          "the module declares "
              + declared.initialPages()
              + " initial pages, above the limit of "
              + cap);
    }
    return new ByteArrayMemory(
        new MemoryLimits(declared.initialPages(), Math.min(declared.maximumPages(), cap)));
  }

  private static RunResult result(Outcome outcome, String message) {
    return new RunResult(outcome, message, Duration.ZERO, 0);
  }
}
