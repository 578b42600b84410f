/** The scope grammar both services share: tenants, agents and budget scopes. */
package com.infrafabric.platform.scope;
