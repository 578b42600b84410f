/**
 * Modules before they run: a scan of every declared count on the raw bytes, parsing and feature
 * checks, import checks against the contract, compilation once per digest, all as builds on a
 * bounded pool within a deadline and a memory budget; the bounded cache of compiled modules, and
 * the Redis-backed registry.
 */
package com.infrafabric.chassis.internal.module;
