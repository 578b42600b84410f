package com.infrafabric.chassis.internal.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.egress.EgressSettings;
import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.llm.destination.DestinationPattern;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ResolverPoolTest {

  private static final List<DestinationPattern> ACME =
      List.of(DestinationPattern.parse("https://*.example.com:443"));
  private static final List<DestinationPattern> BETA =
      List.of(DestinationPattern.parse("https://api.beta.com:443"));

  /** Holds every lookup of an example.com name until the test ends: a name server that is mute. */
  private final CountDownLatch mute = new CountDownLatch(1);

  private final HostResolver resolver =
      host -> {
        if (host.endsWith(".example.com")) {
          try {
            mute.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return List.of(InetAddress.getByName("93.184.216.34"));
      };

  private final ResolverPool pool = new ResolverPool(resolver, 4);

  @AfterEach
  void answer() {
    mute.countDown();
    pool.close();
  }

  /**
   * Regression: one invocation of tenant acme made 14 lookups a name server never answered; on the
   * shared pool of two resolver threads with an unbounded queue, every lookup of tenant beta for
   * the next ~80 s timed out behind acme's backlog.
   */
  @Test
  void aTenantsUnansweredLookupsNeverDelayAnotherTenants() throws Exception {
    EgressPolicy policy = new EgressPolicy(settings(Duration.ofMillis(200)), pool);
    for (int i = 0; i < 14; i++) {
      EgressDecision decision = policy.check("acme", "https://x" + i + ".example.com/", ACME);
      assertThat(decision).isInstanceOf(EgressDecision.Denied.class);
    }
    assertThat(pool.held()).isEqualTo(2);

    EgressDecision beta = policy.check("beta", "https://api.beta.com/", BETA);

    assertThat(beta).isInstanceOf(EgressDecision.Allowed.class);
  }

  @Test
  void aLookupOverTheTenantsShareIsRefusedAtOnce() throws Exception {
    pool.resolve("acme", "a.example.com", Duration.ofMillis(50));
    pool.resolve("acme", "b.example.com", Duration.ofMillis(50));

    long started = System.nanoTime();
    ResolverPool.Resolution third = pool.resolve("acme", "c.example.com", Duration.ofSeconds(20));

    assertThat(third).isEqualTo(new ResolverPool.Resolution.Refused());
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void refusesAGuestOverItsShareWithItsOwnCode() throws Exception {
    EgressPolicy policy = new EgressPolicy(settings(Duration.ofMillis(50)), pool);
    policy.check("acme", "https://a.example.com/", ACME);
    policy.check("acme", "https://b.example.com/", ACME);

    assertThat(policy.check("acme", "https://c.example.com/", ACME))
        .isEqualTo(
            new EgressDecision.Denied(
                AbiError.UNAVAILABLE,
                "the tenant's share of DNS lookups is in use; c.example.com was not looked up",
                "dns-share"));
  }

  @Test
  void aLookupThatEndsGivesItsSlotBack() throws Exception {
    EgressPolicy policy = new EgressPolicy(settings(Duration.ofMillis(50)), pool);
    policy.check("acme", "https://a.example.com/", ACME);
    policy.check("acme", "https://b.example.com/", ACME);

    mute.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> pool.held() == 0);
    assertThat(policy.check("acme", "https://c.example.com/", ACME))
        .isInstanceOf(EgressDecision.Allowed.class);
  }

  private static EgressSettings settings(Duration resolveTimeout) {
    return new EgressSettings(
        Set.of("https"), Set.of(443), List.of(), 3, resolveTimeout, 16384, 1024);
  }
}
