/**
 * The vault on Redis, opening credentials for the injection path, and redacting secrets from what
 * flows back to a tool.
 */
package com.infrafabric.chassis.internal.credential;
