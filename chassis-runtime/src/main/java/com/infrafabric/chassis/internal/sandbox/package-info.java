/**
 * Running one invocation: admission against a bounded queue and a global memory budget, guest
 * threads with an explicit stack size, a watchdog for wall-clock and CPU limits, a fresh instance
 * with memory and tables capped before allocation, and the mapping of whatever happened to an
 * {@link com.infrafabric.chassis.Outcome}.
 */
package com.infrafabric.chassis.internal.sandbox;
