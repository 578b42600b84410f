/**
 * The guest ABI: what a tool module may import from the host, what it must export, and how bytes
 * cross the boundary. Tool authors read {@code host-api/README.md} and {@code
 * host-api/include/infrafabric.h}; the host implements exactly what these types declare.
 */
package com.infrafabric.hostapi.abi;
