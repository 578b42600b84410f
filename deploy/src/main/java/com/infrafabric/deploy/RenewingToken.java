package com.infrafabric.deploy;

import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.auth.TokenSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A bearer token this process mints for itself and renews when half its lifetime has passed, so
 * whoever asks always gets one with time left: the chassis's {@code chassis}-role token for the
 * governor's reservation routes in local mode. Thread-safe; mints (one ES256 signature) at most
 * once per half lifetime, on the thread that asks.
 */
final class RenewingToken implements Supplier<String> {

  private final TokenMinter minter;
  private final TokenSpec spec;
  private final Clock clock;
  private String token;
  private Instant renewAt = Instant.MIN;

  RenewingToken(TokenMinter minter, TokenSpec spec, Clock clock) {
    this.minter = minter;
    this.spec = spec;
    this.clock = clock;
  }

  @Override
  public synchronized String get() {
    Instant now = clock.instant();
    if (!now.isBefore(renewAt)) {
      token = minter.mint(spec, now);
      renewAt = now.plus(spec.ttl().dividedBy(2));
    }
    return token;
  }
}
