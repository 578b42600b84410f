package com.infrafabric.benchmarks.guard;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The largest each guarded ratio may be, kept in the repository ({@code
 * benchmarks/ratio-thresholds.properties}) so that raising one is a reviewed change. Only ratios of
 * two figures measured in the same run on the same machine are guarded: absolute times on a shared
 * machine move with its neighbours, their ratios far less.
 *
 * @param engineVsRaw the engine's reserve + commit p99 over the raw scripts' p99, one pair at a
 *     time, measured in alternating rounds
 * @param httpVsInProcess reserve + commit p99 over HTTP (one caller) over the engine's, one thread
 * @param chassisVsHandedOffChicory a trivial invocation through the chassis over the same guest
 *     called on bare Chicory behind the same hand-off to another thread, mean time: the chassis's
 *     own work, without the thread hop that dominates both and swings with the machine's load
 */
record RatioThresholds(
    double engineVsRaw, double httpVsInProcess, double chassisVsHandedOffChicory) {

  static RatioThresholds load(Path file) {
    Properties values = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      values.load(in);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the ratio thresholds " + file + " (" + e.getClass().getSimpleName() + ")",
          e);
    }
    return new RatioThresholds(
        positive(values, file, "engine-vs-raw.p99.max"),
        positive(values, file, "http-vs-in-process.p99.max"),
        positive(values, file, "chassis-vs-handed-off-chicory.trivial.max"));
  }

  private static double positive(Properties values, Path file, String key) {
    String text = values.getProperty(key);
    if (text == null) {
      throw new IllegalArgumentException(key + " is missing from " + file);
    }
    try {
      double value = Double.parseDouble(text.strip());
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // falls through to the sentence below
    }
    throw new IllegalArgumentException(
        key + " " + text + " in " + file + " is not a positive number");
  }
}
