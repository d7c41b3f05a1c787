package io.tef.dispatcher;

import io.tef.core.task.Task;
import io.tef.protocol.task.TaskState;
import io.vertx.core.Future;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The dispatcher's shared live state: every task not yet terminal, by guid, the queue of the due
 * ones, and every timer a task can have. The store is written through: it is the record; this is
 * the index that lets a dispatch happen without a store query. Event loop only, so no locks.
 */
final class LiveTasks {

  /** Every kind of timer a live task can have, at most one of each per task. */
  enum Timer {
    /** Queues the task when its run time comes (a retry's backoff, a later run_at, a repeat's next run). */
    RUN_AT,
    /** Writes pending progress and log lines. */
    NOTE_SAVE,
    /** Writes a start once the task has run start_write_delay_ms. */
    START_SAVE,
    /** Fails a running attempt that outlives its time_limit. */
    STALL,
    /** Gives up on the worker of a running task taken over from the store. */
    REJOIN
  }

  private final Timers timers;
  private final Clock clock;
  private final String nodeName;
  private final Function<Task, Future<Void>> save;
  /** Told the task type of each task that enters the queue, so that it is dispatched. */
  private final Consumer<String> due;
  private final Map<String, Task> live = new HashMap<>();
  private final StateCounts counts = new StateCounts();
  private final TaskQueue queue = new TaskQueue();
  private final Map<Timer, Map<String, Long>> armed = new EnumMap<>(Timer.class);

  LiveTasks(Timers timers, Clock clock, String nodeName, Function<Task, Future<Void>> save, Consumer<String> due) {
    this.timers = timers;
    this.clock = clock;
    this.nodeName = nodeName;
    this.save = save;
    this.due = due;
    for (Timer kind : Timer.values()) {
      armed.put(kind, new HashMap<>());
    }
  }

  /** Millisecond precision, as the store keeps it, so a task reads the same before and after a write. */
  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  Task get(String guid) {
    return live.get(guid);
  }

  boolean contains(String guid) {
    return live.containsKey(guid);
  }

  void put(Task t) {
    Task before = live.put(t.guid(), t);
    if (before != null) {
      counts.subtract(before);
    }
    counts.add(t);
  }

  void remove(String guid) {
    Task before = live.remove(guid);
    if (before != null) {
      counts.subtract(before);
    }
  }

  /** The live tasks by type and state, as counted when they changed. */
  Map<String, Map<String, Integer>> countsByState() {
    return counts.snapshot();
  }

  /** The node these tasks live on, for log lines. */
  String nodeName() {
    return nodeName;
  }

  int size() {
    return live.size();
  }

  List<Task> where(Predicate<Task> filter) {
    return live.values().stream().filter(filter).toList();
  }

  TaskQueue queue() {
    return queue;
  }

  /** The task goes back to the queue under a new attempt: see {@link #requeueAs}. */
  Future<Void> requeue(Task t) {
    return requeueAs(t.requeued(nodeName));
  }

  /**
   * The one way a task already made queued again (requeued, a retry, an attempt lost, a repeat's
   * next run) comes back: live, written, then queued or timed for its run time. Answers the write.
   */
  Future<Void> requeueAs(Task queued) {
    put(queued);
    Future<Void> saved = save.apply(queued);
    enqueue(queued);
    return saved;
  }

  /** Queues a queued task if it is due, else arms its run-time timer. */
  void enqueue(Task t) {
    if (t.state() != TaskState.QUEUED) {
      return;
    }
    long delay = t.runAt() == null ? 0 : Duration.between(now(), t.runAt()).toMillis();
    if (delay > 0) {
      arm(Timer.RUN_AT, t.guid(), delay, () -> {
        Task current = live.get(t.guid());
        if (current != null && current.state() == TaskState.QUEUED) {
          queue.add(current);
          due.accept(current.taskType());
        }
      });
      return;
    }
    queue.add(t);
    due.accept(t.taskType());
  }

  /** Takes a queued task out of the queue and off its run-time timer (a cancel, a pause, a redefinition). */
  void unqueue(Task t) {
    queue.remove(t.guid(), t.taskType());
    cancel(Timer.RUN_AT, t.guid());
  }

  /** Arms the task's timer of this kind, replacing the one it had. */
  void arm(Timer kind, String guid, long delayMs, Runnable action) {
    cancel(kind, guid);
    Map<String, Long> ids = armed.get(kind);
    long[] self = new long[1];
    self[0] = timers.set(delayMs, () -> {
      ids.remove(guid, self[0]);
      action.run();
    });
    ids.put(guid, self[0]);
  }

  boolean armed(Timer kind, String guid) {
    return armed.get(kind).containsKey(guid);
  }

  /** The guids with a timer of this kind armed, as of now. */
  Set<String> armed(Timer kind) {
    return Set.copyOf(armed.get(kind).keySet());
  }

  int armedCount(Timer kind) {
    return armed.get(kind).size();
  }

  void cancel(Timer kind, String guid) {
    Long id = armed.get(kind).remove(guid);
    if (id != null) {
      timers.cancel(id);
    }
  }

  /** Cancels every timer the task has, of every kind. */
  void cancelTimers(String guid) {
    for (Timer kind : Timer.values()) {
      cancel(kind, guid);
    }
  }

  /** Cancels every timer of every task (a graceful stop). */
  void cancelAllTimers() {
    armed.values().forEach(ids -> {
      ids.values().forEach(timers::cancel);
      ids.clear();
    });
  }

  /** Forgets every task (taken over by another dispatcher). */
  void clear() {
    cancelAllTimers();
    live.clear();
    counts.clear();
    queue.clear();
  }
}
