/**
 * Grants from the governor: verifying a grant token for one invocation, and the Redis record of
 * each grant's uses and LLM spend that makes replays and overspending impossible across nodes.
 */
package com.infrafabric.chassis.internal.grant;
