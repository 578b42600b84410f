package com.infrafabric.chassis.internal.sandbox;

import com.dylibso.chicory.runtime.ImportValues;

/**
 * The host functions linked for one instance, and how to release what they hold (the WASI state of
 * that instance) when the run ends.
 *
 * @param values the functions, only those the module imports and its contract grants
 * @param release run once when the run ends
 */
public record LinkedImports(ImportValues values, Runnable release) implements AutoCloseable {

  @Override
  public void close() {
    release.run();
  }
}
