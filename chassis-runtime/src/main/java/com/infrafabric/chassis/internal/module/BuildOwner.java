package com.infrafabric.chassis.internal.module;

/**
 * Whom a module build is charged to, for its share of the build places ({@link ModuleBuilds}): the
 * tenant whose invocation needs a module compiled on this node, or the publishers together for a
 * registration. Tenants and publishers never share a key, whatever a tenant is named.
 *
 * @param key what the build places are counted under
 * @param name how a refusal names it
 */
public record BuildOwner(String key, String name) {

  /** Registrations, counted as one owner of their own. */
  public static final BuildOwner PUBLISHERS = new BuildOwner("publishers", "publications");

  /** The tenant whose invocation needs the module. */
  public static BuildOwner tenant(String tenant) {
    return new BuildOwner("tenant:" + tenant, "tenant " + tenant);
  }
}
