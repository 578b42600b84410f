/**
 * The {@code llm} capability's budget side: how call costs are reserved with the governor ({@link
 * com.infrafabric.chassis.llm.BudgetPort}). Which providers serve which models is configured with
 * {@link com.infrafabric.llm.ProviderSettings} from the shared provider layer.
 */
package com.infrafabric.chassis.llm;
