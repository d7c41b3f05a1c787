package io.tef.collective;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A live worker silent for longer than twice the ping interval is offline; REST records send no heartbeats. */
final class HeartbeatMonitor {

  private final long silenceLimitNanos;

  HeartbeatMonitor(long pingIntervalMs) {
    this.silenceLimitNanos = TimeUnit.MILLISECONDS.toNanos(2 * pingIntervalMs);
  }

  List<WorkerEntry> silent(Collection<WorkerEntry> workers, long nowNanos) {
    List<WorkerEntry> out = new ArrayList<>();
    for (WorkerEntry w : workers) {
      if (w.alive() && nowNanos - w.lastSeenNanos > silenceLimitNanos) {
        out.add(w);
      }
    }
    return out;
  }
}
