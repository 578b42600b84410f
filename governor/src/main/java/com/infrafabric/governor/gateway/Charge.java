package com.infrafabric.governor.gateway;

import com.infrafabric.governor.tenant.TokenUsage;

/**
 * What a call the provider accepted is charged, and whether that is all the provider's own count.
 * Once a provider answered 2xx it bills the prompt, and output as it makes it, whether or not the
 * client stays to read it. So when its final count never arrives (the client left, the provider cut
 * its stream, its answer is not one), each part it did report is charged as reported and every
 * other part at the bound reserved for it: usage the gateway did not hear of is charged as
 * reserved, never estimated from what passed by.
 *
 * @param usage the tokens charged
 * @param reported true if every part of {@code usage} is the provider's own count
 */
record Charge(TokenUsage usage, boolean reported) {

  /** Added to the ledger's outcome of a call charged some part at its bound. */
  static final String UNREPORTED = ":usage_unreported";

  /** The provider's whole count. */
  static Charge reported(TokenUsage usage) {
    return new Charge(usage, true);
  }

  /** Nothing reported: every part at {@code bound}, the call's reserved worst case. */
  static Charge atBound(TokenUsage bound) {
    return new Charge(bound, false);
  }

  /**
   * The parts the provider reported, each negative if it did not, and every other at {@code
   * bound}'s: the input with its cached part, as the provider reports them together, and the
   * output.
   */
  static Charge partly(long input, long cached, long output, TokenUsage bound) {
    boolean inputKnown = input >= 0;
    boolean outputKnown = output >= 0;
    return new Charge(
        new TokenUsage(
            inputKnown ? input : bound.inputTokens(),
            inputKnown ? cached : bound.cachedInputTokens(),
            outputKnown ? output : bound.outputTokens()),
        inputKnown && outputKnown);
  }

  /** The ledger's outcome of a call that ended {@code ended}, saying if a part was the bound. */
  String outcome(String ended) {
    return reported ? ended : ended + UNREPORTED;
  }
}
