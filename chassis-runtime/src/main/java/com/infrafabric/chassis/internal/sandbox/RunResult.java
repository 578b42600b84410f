package com.infrafabric.chassis.internal.sandbox;

import com.infrafabric.chassis.Outcome;
import java.time.Duration;

/**
 * What running a guest produced, before output validation and reporting.
 *
 * @param outcome how it ended
 * @param message what happened, empty on success
 * @param cpuTime CPU time of the guest thread during the run
 * @param peakMemoryPages linear memory size at the end (memory never shrinks)
 */
record RunResult(Outcome outcome, String message, Duration cpuTime, int peakMemoryPages) {}
