package io.tef.dispatcher;

import io.tef.core.metrics.TaskMetrics;
import io.tef.core.task.Task;
import io.tef.core.task.TaskJson;
import io.tef.protocol.Addresses;
import io.tef.protocol.task.TaskState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.function.Consumer;

/**
 * Where an attempt ends: the task finishes (completed, failed, cancelled), or, failed with
 * attempts left, goes back to the queue for its retry. Either way its timers stop, its
 * resources are freed and its worker is free for the next task.
 */
final class Endings {


  private final Vertx vertx;
  private final LiveTasks live;
  private final StoreWriter writer;
  private final WorkerPool workers;
  private final Matcher.Gate gate;
  private final Abandons abandons;
  private final EndedAttempts ended;
  private final Repeats repeats;
  /** Gives a freed worker its next task. */
  private final Consumer<WorkerPool.Worker> dispatchTo;
  private final String nodeName;
  private final TaskMetrics metrics;

  Endings(Vertx vertx, LiveTasks live, StoreWriter writer, WorkerPool workers, Matcher.Gate gate, Abandons abandons, EndedAttempts ended,
          Repeats repeats, Consumer<WorkerPool.Worker> dispatchTo, String nodeName, TaskMetrics metrics) {
    this.metrics = metrics;
    this.vertx = vertx;
    this.live = live;
    this.writer = writer;
    this.workers = workers;
    this.gate = gate;
    this.abandons = abandons;
    this.ended = ended;
    this.repeats = repeats;
    this.dispatchTo = dispatchTo;
    this.nodeName = nodeName;
  }

  /** A failed attempt: the task ends failed when it was the last, else it is retried. */
  Future<JsonObject> failed(Task failed) {
    return failed.state().terminal() ? finish(failed) : retry(failed);
  }

  /**
   * A task has ended: its final state is written, then published. A repeating task's run ends
   * the same way (the run is published), but its document goes back to the queue for the next
   * run, in the same write.
   */
  Future<JsonObject> finish(Task done) {
    live.cancelTimers(done.guid());
    Task next = done.repeat() != null && done.state() != TaskState.CANCELLED ? repeats.nextRun(done) : null;
    if (next == null) {
      live.remove(done.guid());
    }
    releaseResources(done);
    freeWorkerOf(done);
    Future<Void> saved = next != null ? live.requeueAs(next) : writer.save(done);
    metrics.ended(done.taskType(), done.state().wire());
    TaskLog.ended(done, nodeName);
    ran(done);
    return saved.map(v -> {
      vertx.eventBus().publish(Addresses.EVENTS_TASKS, TaskJson.toView(done));
      return new JsonObject().put("recorded", true).put("state", done.state().wire());
    });
  }

  private Future<JsonObject> retry(Task failed) {
    Task queued = failed.requeued(failed.lastModifiedBy());
    live.cancel(LiveTasks.Timer.STALL, queued.guid());
    releaseResources(failed);
    freeWorkerOf(failed);
    Future<Void> saved = live.requeueAs(queued);
    metrics.retried(failed.taskType());
    ran(failed);
    TaskLog.at(org.slf4j.event.Level.INFO, failed, nodeName).log("Task {} failed attempt {} ({}); retry {} of {} at {}", queued.guid(), failed.attempt(), failed.failReason(),
        queued.failCount() + 1, queued.maxAttempts(), queued.runAt());
    return saved.map(v -> new JsonObject().put("recorded", true).put("state", queued.state().wire()));
  }

  /** Cancels a live task: a queued one at once, a running one too, its worker told to abandon it. */
  Future<JsonObject> cancel(Task t) {
    live.unqueue(t);
    Task cancelled = t.cancelled(live.now(), nodeName);
    if (t.state() == TaskState.DISPATCHED || t.state() == TaskState.WORKING) {
      ended.ended(t, "cancelled");
    }
    abandons.abandon(t.worker(), t);
    return finish(cancelled).map(v -> new JsonObject().put("task", TaskJson.toView(cancelled)));
  }

  private void ran(Task t) {
    if (t.startedAt() != null && t.finishedAt() != null) {
      metrics.ran(t.taskType(), java.time.Duration.between(t.startedAt(), t.finishedAt()));
    }
  }

  /** Frees what the attempt holds, unless its worker has not yet let go of it. */
  void releaseResources(Task t) {
    if (!abandons.holds(t)) {
      gate.release(t.guid(), t.attempt());
    }
  }

  void freeWorkerOf(Task t) {
    WorkerPool.Worker w = t.worker() == null ? null : workers.get(t.worker());
    if (w != null && t.guid().equals(w.guid)) {
      workers.release(w);
      dispatchTo.accept(w);
    }
  }
}
