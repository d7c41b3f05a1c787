package io.tef.dispatcher;

import io.tef.core.task.Task;
import io.tef.protocol.task.TaskState;
import io.tef.protocol.worker.WorkerPresence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workers coming and going: up, idle, released, offline. A worker's running attempt goes back to
 * the queue when the worker is gone or drops it, counted as lost when the cause counts
 * ({@link LostAttempts}).
 */
final class Presence {

  private static final Logger LOG = LoggerFactory.getLogger(Presence.class);

  private final LiveTasks live;
  private final WorkerPool workers;
  private final Abandons abandons;
  private final EndedAttempts ended;
  private final Endings endings;
  private final Stalls stalls;
  private final Matcher matcher;
  private final String nodeName;

  Presence(LiveTasks live, WorkerPool workers, Abandons abandons, EndedAttempts ended, Endings endings, Stalls stalls, Matcher matcher,
           String nodeName) {
    this.live = live;
    this.workers = workers;
    this.abandons = abandons;
    this.ended = ended;
    this.endings = endings;
    this.stalls = stalls;
    this.matcher = matcher;
    this.nodeName = nodeName;
  }

  void on(WorkerPresence p) {
    WorkerPool.Worker known = workers.get(p.name());
    boolean same = known != null && known.instance.equals(p.instance());
    if (p.event() == WorkerPresence.Event.RELEASED) {
      released(p, known, same);
    } else if (p.event() == WorkerPresence.Event.IDLE) {
      if (same && WorkerPool.BUSY_ELSEWHERE.equals(known.guid)) {
        workers.release(known);
        matcher.dispatchTo(known);
      } else if (same && known.guid != null) {
        known.idleHint = true; // it may turn our dispatch away before this news reached us
      }
    } else if (p.up()) {
      up(p, known, same);
    } else if (same) {
      lose(known, "it went offline (" + (p.cause() == null ? "no cause given" : p.cause().wire()) + ")", p.cause());
    }
  }

  /** The worker let go of a task: the attempt TEF had ended, or its running one, which goes back to the queue. */
  private void released(WorkerPresence p, WorkerPool.Worker known, boolean same) {
    if (same && known.stillRuns(p.task(), p.attempt())) {
      abandons.letGo(known); // it dropped the attempt TEF had ended
      return;
    }
    Task t = p.task() == null ? null : live.get(p.task());
    if (same && t != null && t.attempt() == p.attempt()
        && p.name().equals(t.worker()) && (t.state() == TaskState.DISPATCHED || t.state() == TaskState.WORKING)) {
      takeBack(t, p.cause());
      if (t.guid().equals(known.guid)) {
        workers.release(known);
      }
      matcher.dispatchTo(known);
    }
  }

  private void up(WorkerPresence p, WorkerPool.Worker known, boolean same) {
    if (same) {
      return;
    }
    if (known != null) {
      lose(known, "it came back as a new instance", WorkerPresence.Cause.REPLACED);
    }
    WorkerPool.Worker w = workers.add(p.name(), p.instance(), p.taskTypes(), p.takesAbandon());
    LOG.info("Worker {} is up for {}", w.name, w.taskTypes);
    Task running = p.task() == null ? null : live.get(p.task());
    if (running != null && running.state() == TaskState.WORKING && running.attempt() == p.attempt() && p.name().equals(running.worker())) {
      // Back after its dispatcher's restart, still running its task: it keeps it.
      live.cancel(LiveTasks.Timer.REJOIN, running.guid());
      workers.assign(w, running.guid());
      stalls.arm(running);
      LOG.info("Worker {} came back running task {} attempt {}: it goes on", w.name, running.guid(), running.attempt());
      return;
    }
    rejoinedWithout(p.name());
    matcher.dispatchTo(w);
  }

  /** A worker that came back without the task it was running when its dispatcher died: that task goes back to the queue. */
  private void rejoinedWithout(String workerName) {
    for (String guid : live.armed(LiveTasks.Timer.REJOIN)) {
      Task t = live.get(guid);
      if (t != null && workerName.equals(t.worker()) && t.state() == TaskState.WORKING) {
        live.cancel(LiveTasks.Timer.REJOIN, guid);
        ended.ended(t, "queued again: its worker came back without it after its dispatcher restarted");
        live.requeue(t);
      }
    }
  }

  /**
   * Drops a worker; its task, if any, goes back to the queue at once, its attempt counted as
   * lost when the cause counts ({@link LostAttempts}; null: it does not).
   */
  void lose(WorkerPool.Worker w, String why, WorkerPresence.Cause cause) {
    workers.remove(w.name);
    LOG.info("Worker {} removed: {}", w.name, why);
    abandons.letGo(w); // whatever it still ran of an ended attempt is gone with it
    if (w.guid != null) {
      Task t = live.get(w.guid);
      if (t != null && w.name.equals(t.worker()) && !t.state().terminal()) {
        takeBack(t, cause);
      }
    }
  }

  /**
   * The running attempt of a worker that is gone or dropped it: queued again at once in its
   * place, or, when the loss counts and it was the task's last attempt, ended failed.
   */
  private void takeBack(Task t, WorkerPresence.Cause cause) {
    live.cancel(LiveTasks.Timer.STALL, t.guid());
    endings.releaseResources(t);
    Task lost = LostAttempts.afterLoss(t, cause, live.now(), nodeName);
    ended.ended(t, lost != null ? lost.failReason() : "queued again: its worker " + (cause == null ? "is gone" : LostAttempts.words(cause)));
    if (lost != null && lost.state().terminal()) {
      TaskLog.at(org.slf4j.event.Level.WARN, t, nodeName).log("Task {} lost its worker: {}", t.guid(), lost.failReason());
      endings.finish(lost);
      return;
    }
    if (lost != null) {
      TaskLog.at(org.slf4j.event.Level.INFO, t, nodeName).log("Task {}: {}; queued again (attempt {} of max_attempts {} used)", t.guid(), lost.failReason(), lost.failCount(), lost.maxAttempts());
      live.requeueAs(lost);
    } else {
      live.requeue(t);
    }
  }
}
