package io.tef.collective;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A live worker silent for longer than twice its ping interval (its own, else the node's) is
 * offline; REST records send no heartbeats.
 */
final class HeartbeatMonitor {

  private final long defaultPingMs;

  HeartbeatMonitor(long pingIntervalMs) {
    this.defaultPingMs = pingIntervalMs;
  }

  List<WorkerEntry> silent(Collection<WorkerEntry> workers, long nowNanos) {
    List<WorkerEntry> out = new ArrayList<>();
    for (WorkerEntry w : workers) {
      long ping = w.pingIntervalMs > 0 ? w.pingIntervalMs : defaultPingMs;
      if (w.alive() && nowNanos - w.lastSeenNanos > TimeUnit.MILLISECONDS.toNanos(2 * ping)) {
        out.add(w);
      }
    }
    return out;
  }
}
