package com.infrafabric.llm;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Optional;

/**
 * One circuit breaker, as its {@link BreakerRule} says: closed, it lets every call through and
 * counts the failed ones; open, it refuses calls until its reset has passed, then lets one trial
 * call through at a time, whose success closes it and whose failure opens it again. Not
 * thread-safe: its owner, {@link ProviderBreakers}, guards it.
 */
final class Breaker {

  /** One failed call counted, and whose it was. */
  private record Failure(String tenant, Instant at) {}

  private final BreakerRule rule;

  /**
   * The failed calls counted, oldest first: at most the rule's failures, none older than its
   * window.
   */
  private final ArrayDeque<Failure> failures = new ArrayDeque<>();

  /** Until when calls are refused; null while closed. */
  private Instant openUntil;

  /** True while an open breaker's trial call is in flight: other calls are refused meanwhile. */
  private boolean trialOut;

  Breaker(BreakerRule rule) {
    this.rule = rule;
  }

  /** How long from {@code now} calls are refused; empty if a call may pass now. */
  Optional<Duration> refusal(Instant now) {
    if (openUntil == null) {
      return Optional.empty();
    }
    if (now.isBefore(openUntil)) {
      return Optional.of(Duration.between(now, openUntil));
    }
    return trialOut ? Optional.of(Duration.ZERO) : Optional.empty();
  }

  /**
   * Lets through a call {@link #refusal} allows: if the breaker is open, that call is its trial.
   */
  void pass() {
    trialOut = openUntil != null;
  }

  /** A call the provider answered: the breaker closes and forgets the failures it counted. */
  void succeeded() {
    openUntil = null;
    trialOut = false;
    failures.clear();
  }

  /**
   * A call of {@code tenant}'s failed at {@code now}: counted while the breaker is closed; while it
   * is open, it opens again for its reset if a trial is out (the provider still fails), and else
   * changes nothing (a call let through before the breaker opened).
   */
  void failed(String tenant, Instant now) {
    if (openUntil != null) {
      if (trialOut) {
        open(now.plus(rule.reset()));
      }
      return;
    }
    Instant oldest = now.minus(rule.window());
    failures.removeIf(failure -> failure.at().isBefore(oldest));
    makeRoomFor(tenant);
    failures.addLast(new Failure(tenant, now));
    if (failures.size() >= rule.failures()) {
      open(now.plus(rule.reset()));
    }
  }

  /**
   * Refuses calls for {@code wait} from {@code now} (at most the rule's reset), or longer if the
   * breaker already does: the provider asked for that wait.
   */
  void holdOff(Instant now, Duration wait) {
    Duration bounded = wait.compareTo(rule.reset()) < 0 ? wait : rule.reset();
    Instant until = now.plus(bounded);
    if (openUntil == null || until.isAfter(openUntil)) {
      openUntil = until;
      trialOut = false;
    }
  }

  /** A call that says nothing of the provider ended: if it was a trial, the next call is one. */
  void released() {
    trialOut = false;
  }

  private void open(Instant until) {
    openUntil = until;
    trialOut = false;
    failures.clear();
  }

  /** Forgets {@code tenant}'s oldest failure if it has its most counted: its newest replaces it. */
  private void makeRoomFor(String tenant) {
    long counted = failures.stream().filter(failure -> failure.tenant().equals(tenant)).count();
    if (counted < rule.perTenant()) {
      return;
    }
    Iterator<Failure> oldestFirst = failures.iterator();
    while (oldestFirst.hasNext()) {
      if (oldestFirst.next().tenant().equals(tenant)) {
        oldestFirst.remove();
        return;
      }
    }
  }
}
