package com.infrafabric.chassis;

import java.time.Duration;
import java.util.Objects;

/**
 * Caps on a module and on the work of building it, checked on its raw bytes before anything parses
 * it: every count a small module could declare to make the parser or compiler allocate is bounded
 * here, and the build (parse, validate, compile) runs on a bounded pool within a deadline and a
 * memory budget. Built with {@link #builder()}; {@link #defaults()} suit a small node.
 *
 * @param maxModuleBytes size of the binary
 * @param maxFunctions functions defined by the module
 * @param maxFunctionBodyBytes encoded size of one function body
 * @param maxLocalsPerFunction locals one function body declares
 * @param maxLocals locals all function bodies declare together
 * @param maxBranchTargetsPerFunction labels the branches of one function body name: one per {@code
 *     br}, {@code br_if} and {@code br_on_*}, one per target of a {@code br_table}; compiling n
 *     branches to one label takes time quadratic in n, and past about 16,000 a function never fits
 *     a JVM method anyway, so it is refused before the compiler spends that time
 * @param maxBranchTargets labels the branches of all function bodies name together, which bounds
 *     the compile time of a module whose every function is at the per-function cap
 * @param maxTypes type definitions
 * @param maxTypeArity parameters, and results, of one function type; whatever its value, a type
 *     wider than a JVM method can be (parameters above 251 slots or results above 255, where i64
 *     and f64 take two) is refused as {@code MODULE_NOT_COMPILABLE}
 * @param maxImports imports
 * @param maxExports exports
 * @param maxGlobals globals defined by the module
 * @param maxTables tables defined by the module
 * @param maxDataSegments data segments (and the data count a module declares)
 * @param maxElementSegments element segments
 * @param maxElements initializers of all element segments together
 * @param maxCustomSections custom sections (skipped by the parser, but each is still read)
 * @param compileTimeout deadline for building a module (parsing, validating and compiling it to JVM
 *     byte code) from when it is submitted, time waiting for a build thread included: its caller is
 *     answered by then, and a build not started by then never runs
 * @param compiledCacheSize compiled modules kept in memory, least recently used evicted first
 * @param compiledCacheBytes the heap the compiled modules kept may hold together, as counted from
 *     their parsed instructions (a quarter of the JVM's maximum heap by default); least recently
 *     used evicted first, and a module that alone would hold more is refused ({@code
 *     MODULE_TOO_LARGE})
 * @param buildThreads modules built at once
 * @param buildQueue builds waiting for a thread; with {@code buildThreads} the build places, of
 *     which one tenant (or the publications) holds at most half, and owners under their fair share
 *     up to twice as many; one more is refused at once ({@code MODULE_BUILD_OVERLOADED}, 503)
 * @param buildMemoryBytes the heap that builds in progress may take together, as estimated from the
 *     pre-scan; a module whose own estimate is larger is refused ({@code MODULE_TOO_LARGE})
 */
public record ModuleCaps(
    int maxModuleBytes,
    int maxFunctions,
    int maxFunctionBodyBytes,
    int maxLocalsPerFunction,
    long maxLocals,
    int maxBranchTargetsPerFunction,
    long maxBranchTargets,
    int maxTypes,
    int maxTypeArity,
    int maxImports,
    int maxExports,
    int maxGlobals,
    int maxTables,
    int maxDataSegments,
    int maxElementSegments,
    int maxElements,
    int maxCustomSections,
    Duration compileTimeout,
    int compiledCacheSize,
    long compiledCacheBytes,
    int buildThreads,
    int buildQueue,
    long buildMemoryBytes) {

  public ModuleCaps {
    OperatorSettings.within("module.maxModuleBytes", maxModuleBytes, 8, 64 << 20);
    OperatorSettings.within("module.maxFunctions", maxFunctions, 1, 100_000);
    OperatorSettings.within("module.maxFunctionBodyBytes", maxFunctionBodyBytes, 1, 7_654_321);
    OperatorSettings.within("module.maxLocalsPerFunction", maxLocalsPerFunction, 0, 50_000);
    OperatorSettings.within("module.maxLocals", maxLocals, 0, 50_000_000);
    OperatorSettings.within(
        "module.maxBranchTargetsPerFunction", maxBranchTargetsPerFunction, 1, 1_000_000);
    OperatorSettings.within("module.maxBranchTargets", maxBranchTargets, 1, 100_000_000);
    OperatorSettings.within("module.maxTypes", maxTypes, 0, 1_000_000);
    OperatorSettings.within("module.maxTypeArity", maxTypeArity, 0, 1_000);
    OperatorSettings.within("module.maxImports", maxImports, 0, 100_000);
    OperatorSettings.within("module.maxExports", maxExports, 0, 100_000);
    OperatorSettings.within("module.maxGlobals", maxGlobals, 0, 1_000_000);
    OperatorSettings.within("module.maxTables", maxTables, 0, 100_000);
    OperatorSettings.within("module.maxDataSegments", maxDataSegments, 0, 100_000);
    OperatorSettings.within("module.maxElementSegments", maxElementSegments, 0, 100_000);
    OperatorSettings.within("module.maxElements", maxElements, 0, 10_000_000);
    OperatorSettings.within("module.maxCustomSections", maxCustomSections, 0, 100_000);
    OperatorSettings.within("module.compileTimeoutMs", compileTimeout.toMillis(), 1, 600_000);
    OperatorSettings.within("module.compiledCacheSize", compiledCacheSize, 1, 100_000);
    OperatorSettings.within(
        "module.compiledCacheBytes", compiledCacheBytes, 1 << 20, Long.MAX_VALUE);
    OperatorSettings.within("module.buildThreads", buildThreads, 1, 64);
    OperatorSettings.within("module.buildQueue", buildQueue, 0, 10_000);
    OperatorSettings.within("module.buildMemoryBytes", buildMemoryBytes, 1 << 20, Long.MAX_VALUE);
  }

  /** 8 MiB modules of up to 20,000 functions, built one at a time within 20 s and 512 MiB. */
  public static ModuleCaps defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these caps. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds {@link ModuleCaps}; unset caps keep {@link #defaults()}. */
  public static final class Builder {
    private int maxModuleBytes = 8 << 20;
    private int maxFunctions = 20_000;
    private int maxFunctionBodyBytes = 1 << 20;
    private int maxLocalsPerFunction = 50_000;
    private long maxLocals = 1_000_000;
    private int maxBranchTargetsPerFunction = 16_384;
    private long maxBranchTargets = 250_000;
    private int maxTypes = 10_000;
    private int maxTypeArity = 1_000;
    private int maxImports = 1_000;
    private int maxExports = 10_000;
    private int maxGlobals = 10_000;
    private int maxTables = 16;
    private int maxDataSegments = 10_000;
    private int maxElementSegments = 10_000;
    private int maxElements = 100_000;
    private int maxCustomSections = 100;
    private Duration compileTimeout = Duration.ofSeconds(20);
    private int compiledCacheSize = 64;
    private long compiledCacheBytes = Runtime.getRuntime().maxMemory() / 4;
    private int buildThreads = 1;
    private int buildQueue = 4;
    private long buildMemoryBytes = 512L << 20;

    private Builder() {}

    private Builder(ModuleCaps caps) {
      maxModuleBytes = caps.maxModuleBytes;
      maxFunctions = caps.maxFunctions;
      maxFunctionBodyBytes = caps.maxFunctionBodyBytes;
      maxLocalsPerFunction = caps.maxLocalsPerFunction;
      maxLocals = caps.maxLocals;
      maxBranchTargetsPerFunction = caps.maxBranchTargetsPerFunction;
      maxBranchTargets = caps.maxBranchTargets;
      maxTypes = caps.maxTypes;
      maxTypeArity = caps.maxTypeArity;
      maxImports = caps.maxImports;
      maxExports = caps.maxExports;
      maxGlobals = caps.maxGlobals;
      maxTables = caps.maxTables;
      maxDataSegments = caps.maxDataSegments;
      maxElementSegments = caps.maxElementSegments;
      maxElements = caps.maxElements;
      maxCustomSections = caps.maxCustomSections;
      compileTimeout = caps.compileTimeout;
      compiledCacheSize = caps.compiledCacheSize;
      compiledCacheBytes = caps.compiledCacheBytes;
      buildThreads = caps.buildThreads;
      buildQueue = caps.buildQueue;
      buildMemoryBytes = caps.buildMemoryBytes;
    }

    public Builder maxModuleBytes(int value) {
      maxModuleBytes = value;
      return this;
    }

    public Builder maxFunctions(int value) {
      maxFunctions = value;
      return this;
    }

    public Builder maxFunctionBodyBytes(int value) {
      maxFunctionBodyBytes = value;
      return this;
    }

    public Builder maxLocalsPerFunction(int value) {
      maxLocalsPerFunction = value;
      return this;
    }

    public Builder maxLocals(long value) {
      maxLocals = value;
      return this;
    }

    public Builder maxBranchTargetsPerFunction(int value) {
      maxBranchTargetsPerFunction = value;
      return this;
    }

    public Builder maxBranchTargets(long value) {
      maxBranchTargets = value;
      return this;
    }

    public Builder maxTypes(int value) {
      maxTypes = value;
      return this;
    }

    public Builder maxTypeArity(int value) {
      maxTypeArity = value;
      return this;
    }

    public Builder maxImports(int value) {
      maxImports = value;
      return this;
    }

    public Builder maxExports(int value) {
      maxExports = value;
      return this;
    }

    public Builder maxGlobals(int value) {
      maxGlobals = value;
      return this;
    }

    public Builder maxTables(int value) {
      maxTables = value;
      return this;
    }

    public Builder maxDataSegments(int value) {
      maxDataSegments = value;
      return this;
    }

    public Builder maxElementSegments(int value) {
      maxElementSegments = value;
      return this;
    }

    public Builder maxElements(int value) {
      maxElements = value;
      return this;
    }

    public Builder maxCustomSections(int value) {
      maxCustomSections = value;
      return this;
    }

    public Builder compileTimeout(Duration value) {
      compileTimeout = Objects.requireNonNull(value);
      return this;
    }

    public Builder compiledCacheSize(int value) {
      compiledCacheSize = value;
      return this;
    }

    public Builder compiledCacheBytes(long value) {
      compiledCacheBytes = value;
      return this;
    }

    public Builder buildThreads(int value) {
      buildThreads = value;
      return this;
    }

    public Builder buildQueue(int value) {
      buildQueue = value;
      return this;
    }

    public Builder buildMemoryBytes(long value) {
      buildMemoryBytes = value;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first cap out of range
     */
    public ModuleCaps build() {
      return new ModuleCaps(
          maxModuleBytes,
          maxFunctions,
          maxFunctionBodyBytes,
          maxLocalsPerFunction,
          maxLocals,
          maxBranchTargetsPerFunction,
          maxBranchTargets,
          maxTypes,
          maxTypeArity,
          maxImports,
          maxExports,
          maxGlobals,
          maxTables,
          maxDataSegments,
          maxElementSegments,
          maxElements,
          maxCustomSections,
          compileTimeout,
          compiledCacheSize,
          compiledCacheBytes,
          buildThreads,
          buildQueue,
          buildMemoryBytes);
    }
  }
}
