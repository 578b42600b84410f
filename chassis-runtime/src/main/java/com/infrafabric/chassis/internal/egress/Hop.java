package com.infrafabric.chassis.internal.egress;

import com.infrafabric.llm.destination.Destination;

/**
 * One request hop the egress allowed: the URL it is for and the server it connects to, the address
 * that passed the egress's own checks.
 */
public record Hop(Destination destination, Server server) {}
