package com.infrafabric.chassis.internal.llm;

import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.llm.ChatCompletion;
import java.util.OptionalLong;

/** What a tool's {@code llm_complete} call came to. */
public sealed interface LlmOutcome {

  /**
   * The provider answered and its usage was charged.
   *
   * @param costMicros what the call cost (the held amount if the commit could not be confirmed)
   * @param remainingMicros the least of the governor's tightest layer and the grant's cost cap
   */
  record Completed(ChatCompletion completion, long costMicros, long remainingMicros)
      implements LlmOutcome {}

  /**
   * Nothing was spent.
   *
   * @param error what the tool gets
   * @param message why, for the tool and its log; never includes a key
   * @param remainingMicros the remaining budget, when the refusal is about budget
   */
  record Refused(AbiError error, String message, OptionalLong remainingMicros)
      implements LlmOutcome {}
}
