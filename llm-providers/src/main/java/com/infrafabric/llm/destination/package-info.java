/**
 * Where an outbound request goes ({@link com.infrafabric.llm.destination.Destination}) and the
 * origin patterns a credential may be sent to ({@link
 * com.infrafabric.llm.destination.DestinationPattern}).
 */
package com.infrafabric.llm.destination;
