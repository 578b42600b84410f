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
 * @param overBound true if the provider reported more than the call's bound ({@link #within})
 */
record Charge(TokenUsage usage, boolean reported, boolean overBound) {

  /** Added to the ledger's outcome of a call charged some part at its bound. */
  static final String UNREPORTED = ":usage_unreported";

  /** The provider's whole count. */
  static Charge reported(TokenUsage usage) {
    return new Charge(usage, true, false);
  }

  /** Nothing reported: every part at {@code bound}, the call's reserved worst case. */
  static Charge atBound(TokenUsage bound) {
    return new Charge(bound, false, false);
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
        inputKnown && outputKnown,
        false);
  }

  /** Added to the ledger's outcome of a call whose provider reported more than its bound. */
  static final String OVER_BOUND = ":usage_over_bound";

  /**
   * This charge held to {@code bound}, the call's reserved worst case, part by part ({@link
   * Usages#within}). The worst case bounds whatever the provider can bill for the request the
   * gateway sent (its every byte a token, every answer its whole output bound), so a report above
   * it is not what the provider can bill: a provider that miscounts, or an endpoint that lies, must
   * not spend past the caps. A charge held back says so in the ledger's outcome ({@link
   * #OVER_BOUND}).
   */
  Charge within(TokenUsage bound) {
    TokenUsage held = Usages.within(usage, bound);
    return new Charge(held, reported, overBound || !held.equals(usage));
  }

  /** The ledger's outcome of a call that ended {@code ended}, saying if a part was the bound. */
  String outcome(String ended) {
    return ended + (reported ? "" : UNREPORTED) + (overBound ? OVER_BOUND : "");
  }
}
