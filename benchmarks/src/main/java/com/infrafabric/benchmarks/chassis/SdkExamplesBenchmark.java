package com.infrafabric.benchmarks.chassis;

import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.ExampleBuilds;
import com.infrafabric.chassis.testing.ExampleBuilds.Language;
import com.infrafabric.hostapi.contract.ModuleDigest;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One invocation of the word-count example through the chassis, for each language the SDKs serve,
 * in one run: the same work (read the input, count, {@code kv_get} and {@code kv_put} a running
 * total on Redis, write the output) under each example's own contract, so the figures show what a
 * language's module costs beside the C one. The modules are built from source by {@link
 * ExampleBuilds} (run from the checkout: it finds {@code host-api/sdk} above the working
 * directory); each one's size is printed at set-up.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar SdkExamples -rf json}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SdkExamplesBenchmark {

  private static final String INPUT = "\"the quick brown fox jumps over the lazy dog\"";

  @Param({"C", "RUST", "ASSEMBLYSCRIPT"})
  public String language;

  private BenchChassis chassis;
  private ToolRef wordCount;

  @Setup(Level.Trial)
  public void start() {
    Language example = Language.valueOf(language);
    byte[] module = ExampleBuilds.module(example, "word_count");
    System.out.printf(
        Locale.ROOT, "%n%s word_count.wasm: %,d bytes%n", example, (long) module.length);
    JsonObject contract = ExampleBuilds.contract(example, "word_count");
    contract.put("moduleDigest", ModuleDigest.of(module).toString());
    chassis = BenchChassis.start(Optional.empty());
    wordCount = chassis.register(module, contract.encode());
    chassis.check(wordCount, INPUT);
  }

  @TearDown(Level.Trial)
  public void stop() {
    chassis.close();
  }

  @Benchmark
  public InvocationResult wordCount() {
    return chassis.invoke(wordCount, INPUT);
  }
}
