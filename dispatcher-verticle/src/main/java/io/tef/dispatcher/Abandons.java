package io.tef.dispatcher;

import io.tef.protocol.Addresses;
import io.tef.protocol.worker.TaskReport;
import io.tef.core.task.Task;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

/**
 * Taking a running attempt back from its worker (stalled, cancelled). A worker that takes abandon
 * is told {@code {"type": "abandon", "guid", "attempt"}} and gets nothing new until it answers;
 * one that does not answer is dropped. A worker that does not take it (TEF's own worker would run
 * the message as a task) is not told: it is busy until its late result for that attempt comes,
 * it drops the task, or it is gone. Until then the attempt keeps its resources, so that a mutex
 * is never held by two running handlers.
 */
final class Abandons {

  private static final Logger LOG = LoggerFactory.getLogger(Abandons.class);
  /** A worker's task while it is letting go of an ended attempt: busy, but with nothing of its own. */
  static final String ABANDONING = "(abandoning)";

  /** What becomes of a worker once it let go: free for work, or dropped. */
  interface Outcome {
    void free(WorkerPool.Worker w);

    void lose(WorkerPool.Worker w, String why);
  }

  private final Vertx vertx;
  private final WorkerPool workers;
  private final ResourceGate gate;
  private final long timeoutMs;
  private final Outcome outcome;
  /** guid#attempt of attempts whose worker has not let go yet: their resources stay held. */
  private final Set<String> pending = new HashSet<>();

  Abandons(Vertx vertx, WorkerPool workers, ResourceGate gate, long timeoutMs, Outcome outcome) {
    this.vertx = vertx;
    this.workers = workers;
    this.gate = gate;
    this.timeoutMs = timeoutMs;
    this.outcome = outcome;
  }

  /** Whether the attempt's worker still holds on to it: then its resources must not be freed yet. */
  boolean holds(Task t) {
    return pending.contains(t.guid() + "#" + t.attempt());
  }

  /** Takes the attempt back from the worker that runs it (nothing if it does not run it). */
  void abandon(String workerName, Task t) {
    WorkerPool.Worker w = workerName == null ? null : workers.get(workerName);
    if (w == null || !t.guid().equals(w.guid)) {
      return;
    }
    w.guid = ABANDONING;
    String attemptKey = t.guid() + "#" + t.attempt();
    pending.add(attemptKey);
    if (!w.takesAbandon) {
      w.unheededGuid = t.guid();
      w.unheededAttempt = t.attempt();
      LOG.info("Worker {} takes no abandon: not told; it gets nothing new until task {} attempt {} ends there", w.name, t.guid(), t.attempt());
      return;
    }
    JsonObject message = new io.tef.protocol.Assignment.Abandon(t.guid(), t.attempt()).toJson();
    vertx.eventBus().request(Addresses.worker(w.name), message, new DeliveryOptions().setSendTimeout(timeoutMs))
        .onComplete(ar -> {
          // The worker has let go (or is gone): only now may another holder take its resources.
          pending.remove(attemptKey);
          gate.release(t.guid(), t.attempt());
          if (workers.get(w.name) != w || !ABANDONING.equals(w.guid)) {
            return;
          }
          if (ar.succeeded()) {
            outcome.free(w);
          } else {
            outcome.lose(w, "it did not answer when told to abandon " + t.guid());
          }
        });
  }

  /** A report of an attempt that no longer runs: if it ends one its worker was not told to abandon, that worker is free. */
  void lateReport(TaskReport r) {
    WorkerPool.Worker w = workers.get(r.worker());
    if (w != null && w.stillRuns(r.guid(), r.attempt()) && (r.kind() == TaskReport.Kind.COMPLETED || r.kind() == TaskReport.Kind.FAILED)) {
      LOG.info("Worker {} ended task {} attempt {}, which TEF had ended: it is free again", w.name, r.guid(), r.attempt());
      letGo(w);
    }
  }

  /** The worker dropped (or, gone, can no longer run) the attempt it was not told to abandon: its resources are free, and so is it. */
  void letGo(WorkerPool.Worker w) {
    if (w.unheededGuid == null) {
      return;
    }
    String guid = w.unheededGuid;
    int attempt = w.unheededAttempt;
    w.unheededGuid = null;
    pending.remove(guid + "#" + attempt);
    gate.release(guid, attempt);
    if (workers.get(w.name) == w && ABANDONING.equals(w.guid)) {
      outcome.free(w);
    }
  }
}
