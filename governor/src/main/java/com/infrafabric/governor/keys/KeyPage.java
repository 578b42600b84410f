package com.infrafabric.governor.keys;

import java.util.List;
import java.util.Optional;

/**
 * One page of a tenant's keys in id order.
 *
 * @param keys the keys of this page
 * @param nextCursor the id to pass as the next page's cursor, or empty on the last page
 */
public record KeyPage(List<VirtualKey> keys, Optional<String> nextCursor) {

  public KeyPage {
    keys = List.copyOf(keys);
  }
}
