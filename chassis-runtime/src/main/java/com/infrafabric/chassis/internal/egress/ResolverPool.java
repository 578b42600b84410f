package com.infrafabric.chassis.internal.egress;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.platform.limit.TenantSlots;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The DNS lookups guests' outbound requests wait on, shared by every tenant on this node. A lookup
 * may block for as long as the name server takes, well past the caller's wait, so what a tenant
 * holds is bounded, not what it waits for: each lookup holds one of the tenant's {@link
 * TenantSlots} from the moment it is asked until it ends, whether or not its caller still waits. A
 * tenant holds at most half of the bound, a tenant under its fair share may go beyond the bound up
 * to twice it, and a lookup over either is refused at once ({@link Resolution.Refused}), so one
 * tenant's unanswered lookups cost it its own share and never delay another tenant's.
 *
 * <p>There is one thread per slot that can be held (twice the bound), so an admitted lookup starts
 * at once and the queue, bounded to the same number, only carries a hand-over between threads. A
 * lookup whose caller stopped waiting before it started is cancelled and gives its slot back.
 * Thread-safe.
 */
public final class ResolverPool implements AutoCloseable {

  /** Lookups under way on a node; each tenant may hold half of them. */
  public static final int DEFAULT_BOUND = 8;

  private final HostResolver resolver;
  private final TenantSlots slots;
  private final ThreadPoolExecutor threads;

  /** A pool of {@code bound} lookups at once (twice that for tenants under their fair share). */
  public ResolverPool(HostResolver resolver, int bound) {
    if (bound < 1) {
      throw new IllegalArgumentException("a resolver pool needs at least 1 lookup, not " + bound);
    }
    this.resolver = resolver;
    this.slots = new TenantSlots(bound);
    int most = 2 * bound;
    this.threads =
        new ThreadPoolExecutor(
            most,
            most,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(most),
            task -> {
              Thread thread = new Thread(task, "chassis-resolver");
              thread.setDaemon(true);
              return thread;
            });
    this.threads.allowCoreThreadTimeOut(true);
  }

  /**
   * The addresses of {@code host}, looked up for {@code tenant}; waits at most {@code wait}. The
   * lookup goes on after a timed-out wait, still holding the tenant's slot, until the resolver
   * returns.
   */
  public Resolution resolve(String tenant, String host, Duration wait) throws InterruptedException {
    if (slots.take(tenant) != TenantSlots.Decision.ADMITTED) {
      return new Resolution.Refused();
    }
    Lookup lookup = new Lookup(tenant, host);
    try {
      threads.execute(lookup);
    } catch (RejectedExecutionException e) {
      lookup.cancel();
      return new Resolution.Refused();
    }
    return lookup.await(wait);
  }

  /** Lookups under way or waiting for a thread, by every tenant. */
  int held() {
    return slots.held();
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }

  /** What one lookup came to. */
  public sealed interface Resolution {

    /** The resolver's answer, possibly empty. */
    record Resolved(List<InetAddress> addresses) implements Resolution {
      public Resolved {
        addresses = List.copyOf(addresses);
      }
    }

    /** The name does not resolve. */
    record Unresolvable() implements Resolution {}

    /** The resolver did not answer within the wait; the lookup goes on. */
    record TimedOut() implements Resolution {}

    /** The tenant holds its share of the lookups, or every slot is held. */
    record Refused() implements Resolution {}
  }

  /**
   * One lookup; whoever claims it first, its thread starting it or its caller giving up, decides
   * who gives its slot back, so the slot is released exactly once.
   */
  private final class Lookup implements Runnable {

    private final String tenant;
    private final String host;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final CompletableFuture<Resolution> answer = new CompletableFuture<>();

    Lookup(String tenant, String host) {
      this.tenant = tenant;
      this.host = host;
    }

    @Override
    public void run() {
      if (!claimed.compareAndSet(false, true)) {
        return;
      }
      try {
        answer.complete(new Resolution.Resolved(resolver.resolve(host)));
      } catch (UnknownHostException e) {
        answer.complete(new Resolution.Unresolvable());
      } finally {
        slots.release(tenant);
        // A resolver that throws anything else is a bug its thread reports; its caller hears the
        // name does not resolve rather than wait out its timeout.
        answer.complete(new Resolution.Unresolvable());
      }
    }

    Resolution await(Duration wait) throws InterruptedException {
      try {
        return answer.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        cancel();
        return new Resolution.TimedOut();
      } catch (InterruptedException e) {
        cancel();
        throw e;
      } catch (ExecutionException e) {
        throw new IllegalStateException("a lookup's answer is never exceptional", e);
      }
    }

    /** Gives the slot back if the lookup has not started; a started one gives it back itself. */
    void cancel() {
      if (claimed.compareAndSet(false, true)) {
        threads.remove(this);
        slots.release(tenant);
      }
    }
  }
}
