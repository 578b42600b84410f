package com.infrafabric.wire.reservation;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every governor, real or fake, must answer to the chassis's reservation requests, in the
 * Bucket4j way: one abstract suite, one subclass per implementation (the real governor on a real
 * redis-server in the governor's tests, {@code FakeGovernor} in the chassis's), so a fake cannot
 * drift from the thing it stands in for. Requests are built and answers read with {@link
 * ReservationWire}, exactly as the chassis does.
 *
 * <p>Prices differ between implementations, so the suite pins relations, not amounts: what a hold
 * takes from the remaining budget, what a denial leaves, that a commit charges what it reports.
 */
@Timeout(60)
public abstract class ReservationContract {

  /**
   * A governor to talk to, with a budget on a scope no other test uses.
   *
   * @param base the governor's base URL
   * @param token a bearer token that may reserve on {@code scope}
   * @param scope the scope the cap is on
   * @param model a model the governor prices at more than zero
   */
  public record Governor(URI base, String token, String scope, String model) {}

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  /** A governor whose budget on a fresh scope has {@code capMicros} and nothing spent or held. */
  protected abstract Governor governorWithCap(long capMicros);

  @Test
  void aHoldWithinTheCapIsReservedAndTakenFromWhatRemains() {
    Governor governor = governorWithCap(1_000_000_000L);

    ReserveResult result = reserve(governor, 100, 50, key());

    assertThat(result).isInstanceOf(ReserveResult.Reserved.class);
    ReserveResult.Reserved reserved = (ReserveResult.Reserved) result;
    assertThat(reserved.reservationId()).isNotBlank();
    assertThat(reserved.amountMicros()).isPositive();
    assertThat(reserved.remainingMicros()).isEqualTo(1_000_000_000L - reserved.amountMicros());
  }

  @Test
  void aHoldBeyondTheCapIsDeniedAndLeavesTheBudgetAsItWas() {
    Governor governor = governorWithCap(1);

    ReserveResult result = reserve(governor, 100_000, 100_000, key());

    assertThat(result).isInstanceOf(ReserveResult.Denied.class);
    assertThat(((ReserveResult.Denied) result).remainingMicros()).isEqualTo(1);
  }

  @Test
  void aReserveRepeatedWithItsKeyHoldsOnce() {
    Governor governor = governorWithCap(1_000_000_000L);
    String key = key();

    ReserveResult.Reserved first = (ReserveResult.Reserved) reserve(governor, 100, 50, key);
    ReserveResult.Reserved again = (ReserveResult.Reserved) reserve(governor, 100, 50, key);
    ReserveResult.Reserved other = (ReserveResult.Reserved) reserve(governor, 100, 50, key());

    assertThat(again.reservationId()).isEqualTo(first.reservationId());
    assertThat(other.remainingMicros())
        .isEqualTo(1_000_000_000L - first.amountMicros() - other.amountMicros());
  }

  @Test
  void aCommitChargesTheUsageAndReleasesTheRestOfTheHold() {
    Governor governor = governorWithCap(1_000_000_000L);
    ReserveResult.Reserved held = (ReserveResult.Reserved) reserve(governor, 100, 50, key());

    CommitResult result = commit(governor, held.reservationId(), new TokenUsage(100, 0, 10), key());

    assertThat(result).isInstanceOf(CommitResult.Committed.class);
    CommitResult.Committed committed = (CommitResult.Committed) result;
    assertThat(committed.actualMicros()).isPositive().isLessThanOrEqualTo(held.amountMicros());
    assertThat(committed.remainingMicros()).isEqualTo(1_000_000_000L - committed.actualMicros());
  }

  @Test
  void aCommitRepeatedWithItsKeyIsAnsweredAsTheFirst() {
    Governor governor = governorWithCap(1_000_000_000L);
    ReserveResult.Reserved held = (ReserveResult.Reserved) reserve(governor, 100, 50, key());
    String key = key();

    CommitResult first = commit(governor, held.reservationId(), new TokenUsage(100, 0, 10), key);
    CommitResult again = commit(governor, held.reservationId(), new TokenUsage(100, 0, 10), key);

    assertThat(again).isEqualTo(first).isInstanceOf(CommitResult.Committed.class);
  }

  @Test
  void aReleasedReservationGivesItsHoldBackAndCannotBeCommitted() {
    Governor governor = governorWithCap(1_000_000_000L);
    ReserveResult.Reserved held = (ReserveResult.Reserved) reserve(governor, 100, 50, key());

    ReleaseResult released = release(governor, held.reservationId(), key());
    CommitResult late = commit(governor, held.reservationId(), new TokenUsage(1, 0, 1), key());
    ReserveResult.Reserved next = (ReserveResult.Reserved) reserve(governor, 100, 50, key());

    assertThat(released).isInstanceOf(ReleaseResult.Released.class);
    assertThat(late).isInstanceOf(CommitResult.Rejected.class);
    assertThat(next.remainingMicros()).isEqualTo(1_000_000_000L - next.amountMicros());
  }

  private ReserveResult reserve(Governor governor, long input, long maxOutput, String key) {
    BudgetRequest request =
        new BudgetRequest(
            governor.scope(),
            governor.model(),
            input,
            maxOutput,
            Duration.ofMinutes(1),
            key,
            Optional.empty());
    Answer answer =
        post(governor, ReservationWire.RESERVATIONS, ReservationWire.reserveBody(request), key);
    return ReservationWire.reserved(answer.status(), answer.body());
  }

  private CommitResult commit(Governor governor, String id, TokenUsage usage, String key) {
    Answer answer =
        post(
            governor,
            ReservationWire.commitPath(id),
            ReservationWire.commitBody(governor.model(), usage),
            key);
    return ReservationWire.committed(answer.status(), answer.body());
  }

  private ReleaseResult release(Governor governor, String id, String key) {
    Answer answer =
        post(governor, ReservationWire.releasePath(id), ReservationWire.releaseBody(), key);
    return ReservationWire.released(answer.status(), answer.body());
  }

  private record Answer(int status, JsonObject body) {}

  private Answer post(Governor governor, String path, JsonObject body, String key) {
    HttpRequest request =
        HttpRequest.newBuilder(governor.base().resolve(path))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + governor.token())
            .header(ReservationWire.IDEMPOTENCY_HEADER, key)
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      String text = response.body();
      return new Answer(
          response.statusCode(), text.isEmpty() ? new JsonObject() : new JsonObject(text));
    } catch (IOException e) {
      throw new AssertionError("the governor did not answer " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static String key() {
    return UUID.randomUUID().toString();
  }
}
