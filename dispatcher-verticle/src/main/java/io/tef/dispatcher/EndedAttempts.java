package io.tef.dispatcher;

import io.tef.protocol.worker.TaskReport;
import io.tef.core.task.Task;
import io.tef.protocol.ValidationException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Attempts TEF ended itself while their worker may still be running them: stalled, cancelled,
 * lost with their worker, or queued again after a restart. A late report of such an attempt from
 * the worker it was given to is refused like any stale report, but with 410 (gone) rather than
 * 409: nothing is wrong with the message, so a door may settle it quietly (the AMQP door
 * acknowledges such a result with a log line instead of dead-lettering it). Bounded: the oldest
 * are forgotten, and a late report of one of those gets 409 like any other stale report.
 */
final class EndedAttempts {

  static final int REMEMBERED = 10_000;

  /** How an attempt ended, and the worker it was given to. */
  record Ended(String worker, String how) {
  }

  private final Map<String, Ended> ended = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Ended> eldest) {
      return size() > REMEMBERED;
    }
  };

  /** Remembers the task's current attempt as ended by TEF, if a worker holds it. */
  void ended(Task t, String how) {
    if (t.worker() != null && t.attempt() > 0) {
      ended.put(t.guid() + "#" + t.attempt(), new Ended(t.worker(), how));
    }
  }

  /** How TEF ended the attempt this report names, if it did and gave it to this worker; else null. */
  Ended find(TaskReport r) {
    Ended e = ended.get(r.guid() + "#" + r.attempt());
    return e != null && e.worker().equals(r.worker()) ? e : null;
  }

  static ValidationException gone(TaskReport r, Ended e) {
    return new ValidationException(410, "attempt", "gone: task " + r.guid() + " attempt " + r.attempt() + " by " + r.worker()
        + " was ended by TEF (" + e.how() + "); its late " + r.kind().name().toLowerCase(java.util.Locale.ROOT) + " is not recorded");
  }
}
