package com.infrafabric.benchmarks.load;

import java.time.Duration;

/**
 * A steady reserve + commit load, as the sizing formula takes it.
 *
 * @param pairsPerSecond reserve + commit pairs completed per second
 * @param abandonedPerSecond reservations per second never committed or released (a client that
 *     died, a commit the service shed): each holds to its TTL and is then expired
 * @param holdTime how long a reservation holds before its commit
 */
record SteadyLoad(double pairsPerSecond, double abandonedPerSecond, Duration holdTime) {}
