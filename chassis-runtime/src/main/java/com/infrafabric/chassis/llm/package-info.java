/**
 * The {@code llm} capability's operator side: which providers serve which models ({@link
 * com.infrafabric.chassis.llm.ProviderSettings}) and how call costs are reserved with the governor
 * ({@link com.infrafabric.chassis.llm.BudgetPort}).
 */
package com.infrafabric.chassis.llm;
