package io.tef.dispatcher;

import io.tef.core.task.Task;
import io.tef.protocol.DispatcherState;
import io.tef.protocol.task.TaskState;

import java.time.Instant;
import java.util.function.Supplier;

/** A task working longer than its time_limit is stalled: the attempt fails and the worker is told to abandon it. */
final class Stalls {


  private final LiveTasks live;
  private final Abandons abandons;
  private final EndedAttempts ended;
  private final RetryBackoff backoff;
  private final Supplier<DispatcherState> state;
  private final Endings endings;
  private final String nodeName;
  private final io.tef.core.metrics.TaskMetrics metrics;

  Stalls(LiveTasks live, Abandons abandons, EndedAttempts ended, RetryBackoff backoff, Supplier<DispatcherState> state, Endings endings,
         String nodeName, io.tef.core.metrics.TaskMetrics metrics) {
    this.metrics = metrics;
    this.live = live;
    this.abandons = abandons;
    this.ended = ended;
    this.backoff = backoff;
    this.state = state;
    this.endings = endings;
    this.nodeName = nodeName;
  }

  /** Starts (or starts again) the clock on the running attempt's time_limit. */
  void arm(Task t) {
    live.arm(LiveTasks.Timer.STALL, t.guid(), t.timeLimit() * 1000L, () -> stalled(t));
  }

  private void stalled(Task t) {
    Task now = live.get(t.guid());
    if (now == null || now.attempt() != t.attempt() || !now.state().equals(TaskState.WORKING)) {
      return;
    }
    if (state.get() == DispatcherState.STOPPED) {
      arm(now); // stopped records no endings; look again later
      return;
    }
    String reason = "stalled: working longer than its time_limit of " + now.timeLimit() + " s on " + now.worker();
    TaskLog.at(org.slf4j.event.Level.WARN, now, nodeName).log("Task {} attempt {} {}", now.guid(), now.attempt(), reason);
    String workerName = now.worker();
    Instant at = live.now();
    Task failed = now.attemptFailed(reason, at, at.plus(backoff.after(now.failCount() + 1)), nodeName);
    ended.ended(now, "stalled");
    metrics.stalled(now.taskType());
    abandons.abandon(workerName, now);
    endings.failed(failed);
  }
}
