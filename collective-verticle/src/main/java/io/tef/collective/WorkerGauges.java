package io.tef.collective;

import io.tef.core.metrics.NodeMetrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The workers this collective knows, handed to the node's metrics on a timer: {@code tef_workers{status}}
 * and {@code tef_worker_task_types{task_type,status}} (a worker serving three types counts once under
 * each). Every collective of a cluster knows every worker: across nodes take the max, not the sum.
 */
final class WorkerGauges {

  private final NodeMetrics metrics;
  private final KnownWorkers known;

  WorkerGauges(NodeMetrics metrics, KnownWorkers known) {
    this.metrics = metrics;
    this.known = known;
  }

  void refresh() {
    Map<List<String>, Double> byStatus = new HashMap<>();
    Map<List<String>, Double> byType = new HashMap<>();
    for (String s : List.of("idle", "working", "offline")) {
      byStatus.put(List.of(s), 0.0);
    }
    for (WorkerEntry w : known.all()) {
      String status = w.alive() ? w.status : "offline";
      byStatus.merge(List.of(status), 1.0, Double::sum);
      for (String type : w.taskTypes) {
        byType.merge(List.of(metrics.taskType(type), status), 1.0, Double::sum);
      }
    }
    metrics.workers.update(known.self(), byStatus);
    metrics.workersByType.update(known.self(), byType);
  }

  void stop() {
    metrics.workers.remove(known.self());
    metrics.workersByType.remove(known.self());
  }
}
