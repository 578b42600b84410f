/**
 * Modules before they run: shape checks on the raw bytes, parsing and feature checks, import checks
 * against the contract, compilation once per digest with a bound on its time, the bounded cache of
 * compiled modules, and the Redis-backed registry.
 */
package com.infrafabric.chassis.internal.module;
