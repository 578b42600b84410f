package com.infrafabric.governor.tenant;

/**
 * A layer and window that refused a reservation, and by how much it was short.
 *
 * @param scope the layer that refused
 * @param window the window whose cap would have been exceeded
 * @param shortfallMicros how much more the cap would have needed
 */
public record Refusal(Scope scope, Window window, long shortfallMicros) {}
