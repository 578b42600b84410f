/**
 * The chassis next to bare Chicory on the same modules in the same run: a trivial tool (the cost of
 * a fresh instance, limits, capability linking, admission and the thread hop) and a CPU-bound tool
 * (whether the sandbox slows compiled guest code down).
 */
package com.infrafabric.benchmarks.chassis;
