package com.infrafabric.chassis.internal.registry;

import com.infrafabric.chassis.ToolInfo;
import com.infrafabric.chassis.internal.capability.ToolGrants;
import com.infrafabric.chassis.internal.contract.ToolSchemas;
import com.infrafabric.chassis.internal.sandbox.Invoker;

/**
 * A tool version ready to run on this node.
 *
 * @param info what the registry says about it
 * @param prepared compiled module, entry point and import linker
 * @param contractJws the signed contract it was resolved from, to notice a re-registration
 * @param grants what its contract grants, as the host functions read it
 * @param schemas its contract's input and output schemas, compiled
 */
public record ResolvedTool(
    ToolInfo info,
    Invoker.Prepared prepared,
    String contractJws,
    ToolGrants grants,
    ToolSchemas schemas) {}
