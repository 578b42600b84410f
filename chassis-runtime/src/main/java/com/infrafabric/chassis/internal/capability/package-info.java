/**
 * Host functions, linked per instance and only for what the contract grants: input and output, log,
 * key-value storage, outbound HTTP and the closed WASI profile. Every host function counts as a
 * host call and checks guest pointers through {@link
 * com.infrafabric.chassis.internal.sandbox.GuestMemory}.
 */
package com.infrafabric.chassis.internal.capability;
