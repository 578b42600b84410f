/**
 * The catalog of tools: the registration pipeline (caps, contract, module checks, compilation,
 * durable store) and resolving a tool reference to something ready to run, cached per node.
 */
package com.infrafabric.chassis.internal.registry;
