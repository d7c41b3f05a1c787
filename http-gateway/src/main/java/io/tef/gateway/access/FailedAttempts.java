package io.tef.gateway.access;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests with a wrong or missing key, per client address and minute. Past
 * {@code auth.max_failures_per_minute} an address is answered 429 until its minute is over, so a
 * key cannot be guessed at network speed. Logged once per address and minute (the first refusal,
 * and the block), never with the key. One instance per Vert.x, shared by the gateway's instances.
 */
public final class FailedAttempts implements Shareable {

  private static final Logger LOG = LoggerFactory.getLogger(FailedAttempts.class);
  private static final long WINDOW_MS = 60_000;
  private static final int MAX_ADDRESSES = 10_000;

  private final int limit;
  private final ConcurrentHashMap<String, Window> byAddress = new ConcurrentHashMap<>();
  private final LongAdder total = new LongAdder();

  private FailedAttempts(int limit) {
    this.limit = limit;
  }

  public static FailedAttempts of(Vertx vertx, int limit) {
    return (FailedAttempts) vertx.sharedData().getLocalMap("tef.gateway").computeIfAbsent("failed-attempts", k -> new FailedAttempts(limit));
  }

  /** Milliseconds until {@code address} may try again, or 0. */
  public long blockedFor(String address, long nowMs) {
    Window w = byAddress.get(address);
    return w == null || nowMs - w.start >= WINDOW_MS || w.count < limit ? 0 : w.start + WINDOW_MS - nowMs;
  }

  /** Counts a refusal of {@code address}: {@code why} and {@code request} go to the log, once a minute. */
  public void record(String address, long nowMs, String why, String request) {
    total.increment();
    if (byAddress.size() >= MAX_ADDRESSES) {
      byAddress.values().removeIf(w -> nowMs - w.start >= WINDOW_MS);
      if (byAddress.size() >= MAX_ADDRESSES) {
        byAddress.clear(); // a flood from that many addresses: forget rather than grow
      }
    }
    Window w = byAddress.compute(address, (a, old) -> old == null || nowMs - old.start >= WINDOW_MS ? new Window(nowMs) : old);
    int n;
    synchronized (w) {
      n = ++w.count;
    }
    if (n == 1) {
      LOG.warn("Refused {} from {}: {}", request, address, why);
    } else if (n == limit) {
      LOG.warn("{} sent {} requests with a wrong or missing API key within a minute: answered 429 for the rest of it", address, n);
    }
  }

  public long total() {
    return total.sum();
  }

  private static final class Window {
    final long start;
    int count;

    Window(long start) {
      this.start = start;
    }
  }
}
