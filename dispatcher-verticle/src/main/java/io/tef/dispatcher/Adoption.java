package io.tef.dispatcher;

import io.tef.core.task.Task;
import io.tef.protocol.task.TaskState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.List;

/**
 * Stored tasks this dispatcher answers for from now on (its own earlier run's, or a dead
 * dispatcher's). One that was dispatched goes back to the queue, its old attempt fenced off by
 * the next; one that was working waits a moment for its worker to say it still runs it.
 */
final class Adoption {

  private static final Logger LOG = LoggerFactory.getLogger(Adoption.class);

  private final LiveTasks live;
  private final WorkerPool workers;
  private final Stalls stalls;
  private final Suites suites;
  private final EndedAttempts ended;
  private final String instance;
  /** How long an adopted working task waits for its worker to register again ({@link #rejoinGraceMs(long)}). */
  private final long rejoinGraceMs;
  /**
   * The least grace, whatever the ping: a worker only hears of a restarted node once the cluster
   * sees the node's consumers and its own next heartbeat is refused, which takes seconds on a
   * loaded machine even with short pings.
   */
  static final long MIN_REJOIN_GRACE_MS = 5_000;

  Adoption(LiveTasks live, WorkerPool workers, Stalls stalls, Suites suites, EndedAttempts ended, String instance, long rejoinGraceMs) {
    this.live = live;
    this.workers = workers;
    this.stalls = stalls;
    this.suites = suites;
    this.ended = ended;
    this.instance = instance;
    this.rejoinGraceMs = rejoinGraceMs;
  }

  /** 2 x ping + 1 s, at least {@link #MIN_REJOIN_GRACE_MS}. */
  static long rejoinGraceMs(long pingIntervalMs) {
    return Math.max(2 * pingIntervalMs + 1000, MIN_REJOIN_GRACE_MS);
  }

  void adopt(List<Task> tasks) {
    int requeued = 0;
    int adopted = 0;
    // Submission order survives a restart: equal priorities stay first come, first served.
    List<Task> ordered = tasks.stream()
        .sorted(Comparator.comparing(Task::createdAt, Comparator.nullsFirst(Comparator.naturalOrder())).thenComparing(Task::guid))
        .toList();
    for (Task stored : ordered) {
      if (live.contains(stored.guid())) {
        continue;
      }
      Task t = stored.withOwner(instance);
      adopted++;
      if (t.state() == TaskState.WORKING && t.worker() != null) {
        WorkerPool.Worker w = workers.get(t.worker());
        live.put(t);
        if (w != null && (w.guid == null || WorkerPool.BUSY_ELSEWHERE.equals(w.guid))) {
          // A live worker this dispatcher knows runs it (for the dispatcher that died): it goes on.
          workers.assign(w, t.guid());
          stalls.arm(t);
        } else {
          // Its worker may still be running it, only cut off from the dispatcher that died: give it
          // time to come back and say so (or report the result), before another attempt starts.
          awaitRejoin(t);
        }
      } else if (t.state() == TaskState.DISPATCHED || t.state() == TaskState.WORKING) {
        ended.ended(t, "queued again after its dispatcher restarted");
        live.requeue(t);
        requeued++;
      } else {
        live.put(t);
        if (t.state() == TaskState.PAUSED && t.suiteGuid() != null) {
          suites.held(t.suiteGuid());
        }
        live.enqueue(t);
      }
    }
    LOG.info("Dispatcher {} answers for {} unfinished tasks from the store ({} were running and are queued again)", instance, adopted, requeued);
  }

  /**
   * A working task taken over from the store keeps its attempt while its worker has 2 x ping +
   * 1 s (at least 5 s) to register again saying it still runs it (or to report its end, which the fence
   * accepts: same attempt, same worker). Otherwise it is queued again under a new attempt.
   */
  private void awaitRejoin(Task t) {
    live.arm(LiveTasks.Timer.REJOIN, t.guid(), rejoinGraceMs, () -> {
      Task now = live.get(t.guid());
      WorkerPool.Worker w = now == null ? null : workers.get(now.worker());
      if (now != null && now.state() == TaskState.WORKING && now.attempt() == t.attempt() && (w == null || !now.guid().equals(w.guid))) {
        LOG.info("Task {} attempt {}: worker {} did not come back within {} ms; queued again", now.guid(), now.attempt(), now.worker(), rejoinGraceMs);
        live.cancel(LiveTasks.Timer.STALL, now.guid());
        ended.ended(now, "queued again: its worker did not come back after its dispatcher restarted");
        live.requeue(now);
      }
    });
  }
}
