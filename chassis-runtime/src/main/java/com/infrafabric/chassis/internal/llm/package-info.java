/**
 * Model calls: the provider wire formats (OpenAI-compatible, Anthropic, offline), retries and a
 * circuit breaker per provider, and the gateway that reserves, calls, commits or releases.
 */
package com.infrafabric.chassis.internal.llm;
