/**
 * The one provider layer: the wire formats a model is called in (OpenAI-compatible, Anthropic,
 * offline), which provider serves which model ({@link com.infrafabric.llm.ProviderSettings}), and
 * retries with circuit breakers per provider and per tenant ({@link
 * com.infrafabric.llm.ProviderGate}). Budgets are not its business: the chassis's {@code llm}
 * capability and the governor's gateway reserve and settle around it.
 */
package com.infrafabric.llm;
