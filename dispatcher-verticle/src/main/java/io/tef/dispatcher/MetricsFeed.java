package io.tef.dispatcher;

import io.tef.core.metrics.GaugeFamily;
import io.tef.core.metrics.NodeMetrics;
import io.tef.protocol.task.TaskState;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands this dispatcher's gauges to the node's metrics every {@code metrics.refresh_ms}: queue depth
 * and oldest due age, waiting and running tasks by type, and its resources' holders, waiters and
 * limits. Read on the dispatcher's loop, where the state lives; a scrape reads the last snapshot, so
 * it never touches the dispatcher. The queue walk is linear, hence a timer rather than every scrape.
 */
final class MetricsFeed {

  private final NodeMetrics metrics;
  private final String source;
  private final LiveTasks live;
  private final ResourceGate gate;

  MetricsFeed(NodeMetrics metrics, String source, LiveTasks live, ResourceGate gate) {
    this.metrics = metrics;
    this.source = source;
    this.live = live;
    this.gate = gate;
  }

  void refresh() {
    if (!metrics.enabled()) {
      return;
    }
    long now = live.now().toEpochMilli();
    TypeCensus census = TypeCensus.of(live);
    Map<List<String>, Double> depth = new HashMap<>();
    Map<List<String>, Double> oldest = new HashMap<>();
    census.queues().forEach((type, d) -> {
      List<String> key = List.of(metrics.taskType(type));
      depth.merge(key, (double) d[0], Double::sum);
      oldest.merge(key, Math.max(0, now - d[1]) / 1000.0, Math::max);
    });
    Map<List<String>, Double> queued = new HashMap<>();
    Map<List<String>, Double> running = new HashMap<>();
    census.byState().keySet().forEach(type -> {
      List<String> key = List.of(metrics.taskType(type));
      int q = census.count(type, TaskState.QUEUED.wire());
      int r = census.count(type, TaskState.DISPATCHED.wire()) + census.count(type, TaskState.WORKING.wire());
      if (q > 0) {
        queued.merge(key, (double) q, Double::sum);
      }
      if (r > 0) {
        running.merge(key, (double) r, Double::sum);
      }
    });
    Map<List<String>, Double> waiting = new HashMap<>();
    queued.forEach((key, n) -> waiting.put(key, Math.max(0, n - depth.getOrDefault(key, 0.0))));
    depth.keySet().forEach(key -> waiting.putIfAbsent(key, 0.0));
    metrics.queueDepth.update(source, depth);
    metrics.queueOldestAge.update(source, oldest);
    metrics.waiting.update(source, waiting);
    metrics.running.update(source, running);
    Map<List<String>, Double> holders = new HashMap<>();
    Map<List<String>, Double> waiters = new HashMap<>();
    Map<List<String>, Double> limits = new HashMap<>();
    gate.holdersWaitersLimit().forEach((name, v) -> {
      holders.put(List.of(name), (double) v[0]);
      waiters.put(List.of(name), (double) v[1]);
      limits.put(List.of(name), (double) v[2]);
    });
    metrics.resourceHolders.update(source, holders);
    metrics.resourceWaiters.update(source, waiters);
    metrics.resourceLimit.update(source, limits);
  }

  void stop() {
    for (GaugeFamily f : List.of(metrics.queueDepth, metrics.queueOldestAge, metrics.waiting, metrics.running,
        metrics.resourceHolders, metrics.resourceWaiters, metrics.resourceLimit)) {
      f.remove(source);
    }
  }
}
