package com.infrafabric.chassis.credential;

import java.util.List;

/**
 * What {@link CredentialVault#reseal()} did.
 *
 * @param resealed credentials sealed again under the current key
 * @param current credentials that were already sealed under it
 * @param unreadable names of credentials no key of the ring opens (their key was removed too early,
 *     or the stored value was altered); they stay as they are and cannot be used
 */
public record ResealReport(int resealed, int current, List<String> unreadable) {

  public ResealReport {
    unreadable = List.copyOf(unreadable);
  }
}
