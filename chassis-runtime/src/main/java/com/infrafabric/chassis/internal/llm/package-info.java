/**
 * Tools' model calls: the gateway that reserves on the grant's scope, calls the shared provider
 * layer ({@code com.infrafabric.llm}), and commits or releases.
 */
package com.infrafabric.chassis.internal.llm;
