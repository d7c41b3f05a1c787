package io.tef.dispatcher;

import io.tef.core.task.Task;
import io.tef.core.task.TaskJson;
import io.tef.protocol.Addresses;
import io.tef.protocol.Assignment;
import io.tef.protocol.Refusal;
import io.tef.protocol.task.TaskState;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a matched task to its worker. Taking it is starting it; a refusal ("stopping", "busy")
 * puts the task back in its place; a worker that does not answer is dropped.
 */
final class Handover implements Matcher.Delivery {

  private static final Logger LOG = LoggerFactory.getLogger(Handover.class);

  /** What the handover leads to elsewhere. */
  interface Rules {
    /** The worker has the task. */
    void started(Task t, String worker);

    void releaseResources(Task t);

    void dispatchType(String taskType);

    void dispatchTo(WorkerPool.Worker w);

    /** The worker did not take a task: dropped, its task back to the queue. */
    void lose(WorkerPool.Worker w, String why);
  }

  private final Vertx vertx;
  private final LiveTasks live;
  private final WorkerPool workers;
  private final String replyTo;
  private final long timeoutMs;
  private final String nodeName;
  private final Rules rules;

  Handover(Vertx vertx, LiveTasks live, WorkerPool workers, String instance, long timeoutMs, String nodeName, Rules rules) {
    this.vertx = vertx;
    this.live = live;
    this.workers = workers;
    this.replyTo = Addresses.dispatcher(instance);
    this.timeoutMs = timeoutMs;
    this.nodeName = nodeName;
    this.rules = rules;
  }

  @Override
  public void deliver(Task t, WorkerPool.Worker w, TaskQueue.Entry entry) {
    JsonObject message = new Assignment.Task(TaskJson.toView(t), t.attempt(), replyTo, t.attemptToken()).toJson();
    vertx.eventBus().request(Addresses.worker(w.name), message, new DeliveryOptions().setSendTimeout(timeoutMs))
        .onSuccess(reply -> {
          w.idleHint = false;
          // Taking the task is starting it; a worker that also reports "working" changes nothing.
          Task now = live.get(t.guid());
          if (now != null && now.attempt() == t.attempt() && w.name.equals(now.worker())) {
            rules.started(now, w.name);
          }
        })
        .onFailure(err -> refused(t, w, entry, err));
  }

  private void refused(Task t, WorkerPool.Worker w, TaskQueue.Entry entry, Throwable err) {
    Task now = live.get(t.guid());
    if (now == null || now.attempt() != t.attempt() || now.state() != TaskState.DISPATCHED) {
      return;
    }
    Refusal refusal = Refusal.of(err);
    if (refusal == Refusal.STOPPING) {
      // A worker on its way out (a graceful stop): the task goes back in its place, the worker goes.
      putBack(now, entry);
      if (workers.get(w.name) == w) {
        workers.remove(w.name);
        LOG.info("Worker {} is stopping: it takes nothing more", w.name);
      }
      rules.dispatchType(t.taskType());
      return;
    }
    if (refusal == Refusal.BUSY) {
      // Another dispatcher's task runs there: the task goes back in its place, the worker
      // is tried again when it says it is idle.
      putBack(now, entry);
      if (workers.get(w.name) == w && t.guid().equals(w.guid)) {
        if (w.idleHint) {
          w.idleHint = false;
          workers.release(w);
          rules.dispatchTo(w);
        } else {
          workers.assign(w, WorkerPool.BUSY_ELSEWHERE);
        }
      }
      rules.dispatchType(t.taskType());
      return;
    }
    LOG.warn("Worker {} did not take task {} attempt {}: {}", w.name, t.guid(), t.attempt(), err.getMessage());
    if (workers.get(w.name) == w) {
      rules.lose(w, "it did not take a task");
    }
  }

  /** A refused dispatch costs the task nothing: same place in the queue, nothing written. */
  private void putBack(Task now, TaskQueue.Entry entry) {
    rules.releaseResources(now);
    live.put(now.requeued(nodeName));
    live.queue().readd(entry);
  }
}
