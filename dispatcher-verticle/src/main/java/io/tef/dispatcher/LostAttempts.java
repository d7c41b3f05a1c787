package io.tef.dispatcher;

import io.tef.protocol.worker.WorkerPresence.Cause;
import io.tef.core.task.Task;
import io.tef.protocol.task.TaskState;

import java.time.Instant;

/**
 * Every attempt counts. An attempt lost with its worker counts toward {@code max_attempts} like a
 * failure (fail_count and lost_count go up), so a task whose worker dies on it every time ends
 * {@code failed} instead of being dispatched for ever. Lost: the worker went silent (no heartbeat
 * for twice its interval), was removed, was replaced by a new instance of its name while it ran
 * the task, or dropped it (a TEF-protocol worker that went from working to idle without
 * task_complete).
 *
 * <p>Not counted (the task goes back to its place as it was): a task its worker hands back as it
 * stops (it says offline), one a worker refused ("busy", "stopping") or never took (still
 * dispatched, not working), and one queued again because its dispatcher restarted or was taken
 * over: none of those is the task's doing or its worker's failure.
 */
final class LostAttempts {

  /** Whether a worker gone this way loses the attempt it was running. */
  static boolean counts(Cause cause) {
    return cause == Cause.SILENT || cause == Cause.REMOVED || cause == Cause.REPLACED || cause == Cause.DROPPED;
  }

  /**
   * The task once its running attempt is lost this way: queued again at once, or failed when
   * that was its last attempt; null when the loss does not count (the caller queues it as it was).
   */
  static Task afterLoss(Task t, Cause cause, Instant now, String by) {
    if (!counts(cause) || t.state() != TaskState.WORKING) {
      return null;
    }
    String lost = "worker " + t.worker() + " " + words(cause) + " during attempt " + t.attempt();
    boolean last = t.failCount() + 1 >= t.maxAttempts();
    int lostSoFar = t.lostCount() + 1;
    String reason = !last ? lost
        : lost + ": the last of max_attempts " + t.maxAttempts() + " (" + lostSoFar + (lostSoFar == 1 ? " attempt" : " attempts")
            + " lost with their worker)";
    return t.attemptLost(reason, now, by);
  }

  static String words(Cause cause) {
    return switch (cause) {
      case SILENT -> "went silent";
      case REMOVED -> "was removed";
      case REPLACED -> "was replaced by a new instance";
      case DROPPED -> "went idle without task_complete";
      case DECLINED -> "went idle before it said working";
      case OFFLINE -> "went offline";
    };
  }

  private LostAttempts() {
  }
}
