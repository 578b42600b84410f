/**
 * Outbound HTTP for guests: which destinations a contract allows, which addresses the operator lets
 * anything reach, and a client that connects only to the address it checked.
 */
package com.infrafabric.chassis.internal.egress;
