package io.tef.dispatcher;

import io.tef.core.resource.ResourceHold;
import io.tef.core.task.Task;
import io.tef.protocol.task.TaskState;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Pairs queued tasks with idle workers: a worker gets the best task among its task types
 * (priority, then the time it became due), a task the longest-idle worker of its type, and only
 * once it can take all its resources; a task that cannot waits parked on the resource.
 */
final class Matcher {

  private static final Logger LOG = LoggerFactory.getLogger(Matcher.class);

  /** The resources a task must take before it leaves ({@link ResourceGate}). */
  interface Gate {
    /** The attempt's holds, counted at once; null when one is not free (the entry is then parked). */
    List<ResourceHold> reserve(TaskQueue.Entry entry, int attempt);

    /** Makes the holds true in the store; false when another dispatcher holds a slot. */
    Future<Boolean> commit(String guid, int attempt, List<ResourceHold> holds);

    Future<Void> release(String guid, int attempt);
  }

  /** Hands a matched task to its worker ({@link Handover}). */
  interface Delivery {
    void deliver(Task t, WorkerPool.Worker w, TaskQueue.Entry entry);
  }

  private final LiveTasks live;
  private final WorkerPool workers;
  private final Gate gate;
  /** Running, and not taken over: otherwise nothing is dispatched. */
  private final BooleanSupplier mayDispatch;
  private final Delivery delivery;
  private final Timers timers;
  private final String nodeName;

  Matcher(LiveTasks live, WorkerPool workers, Gate gate, BooleanSupplier mayDispatch, Delivery delivery, Timers timers, String nodeName) {
    this.live = live;
    this.workers = workers;
    this.gate = gate;
    this.mayDispatch = mayDispatch;
    this.delivery = delivery;
    this.timers = timers;
    this.nodeName = nodeName;
  }

  /** Every queued task type, as when dispatching may start again. */
  void dispatchAll() {
    for (String type : live.queue().types()) {
      dispatchType(type);
    }
  }

  /** Gives queued tasks of this type to idle workers while there are both. */
  void dispatchType(String taskType) {
    if (!mayDispatch.getAsBoolean()) {
      return;
    }
    TaskQueue queue = live.queue();
    WorkerPool.Worker w;
    while (queue.peek(taskType) != null && (w = workers.firstIdle(taskType)) != null) {
      assign(queue.poll(taskType), w);
    }
  }

  /** Gives an idle worker the best queued task among its task types. */
  void dispatchTo(WorkerPool.Worker w) {
    TaskQueue queue = live.queue();
    while (w.guid == null && mayDispatch.getAsBoolean()) {
      String bestType = null;
      TaskQueue.Entry best = null;
      for (String type : w.taskTypes) {
        TaskQueue.Entry head = queue.peek(type);
        if (head != null && (best == null || TaskQueue.before(head, best))) {
          best = head;
          bestType = type;
        }
      }
      if (bestType == null) {
        return;
      }
      assign(queue.poll(bestType), w); // a stale or parked entry leaves w idle: try the next
    }
  }

  /**
   * Gives the task to the worker if it can take its resources; else the entry waits parked on
   * the resource and the worker stays idle.
   */
  private void assign(TaskQueue.Entry entry, WorkerPool.Worker w) {
    Task current = live.get(entry.task().guid());
    if (current == null || current.state() != TaskState.QUEUED) {
      return; // a stale entry: cancelled, paused or queued again under a newer entry
    }
    Task t = current.dispatched(w.name, live.now(), nodeName);
    List<ResourceHold> holds = gate.reserve(entry, t.attempt());
    if (holds == null) {
      return;
    }
    live.put(t);
    workers.assign(w, t.guid());
    if (holds.isEmpty()) {
      delivery.deliver(t, w, entry);
      return;
    }
    gate.commit(t.guid(), t.attempt(), holds).onComplete(ar -> {
      Task now = live.get(t.guid());
      boolean stillOurs = now != null && now.attempt() == t.attempt() && now.state() == TaskState.DISPATCHED;
      if (ar.succeeded() && ar.result()) {
        if (stillOurs) {
          delivery.deliver(t, w, entry);
        } else {
          gate.release(t.guid(), t.attempt()); // cancelled meanwhile
        }
        return;
      }
      if (ar.failed()) {
        LOG.warn("Taking resources {} for task {} failed: {}", t.resources(), t.guid(), ar.cause().getMessage());
      }
      if (stillOurs) {
        // Another dispatcher holds a slot (now known to the ledger), or the store failed: wait and try again.
        live.put(now.requeued(nodeName));
        if (workers.get(w.name) == w && t.guid().equals(w.guid)) {
          workers.release(w);
        }
        timers.set(ar.failed() ? 1000 : 1, () -> unparked(List.of(entry)));
        dispatchTo(w);
      }
    });
  }

  /** Parked tasks whose resource may be free again go back to the queue in their old order. */
  void unparked(List<TaskQueue.Entry> entries) {
    Set<String> types = new HashSet<>();
    for (TaskQueue.Entry e : entries) {
      Task t = live.get(e.task().guid());
      if (t != null && t.state() == TaskState.QUEUED) {
        // In its old place, but as the task is now (its priority may have changed while it waited).
        live.queue().readd(new TaskQueue.Entry(t, e.due(), e.seq()));
        types.add(t.taskType());
      }
    }
    types.forEach(this::dispatchType);
  }
}
