package io.tef.dispatcher;

import io.tef.core.task.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The task event lines, on the logger {@code io.tef.tasks}: each carries the task's guid, type,
 * attempt, worker and the node as key-value pairs (fields of their own in the JSON log, appended
 * to a text line). Submissions, starts and completions are DEBUG (off by default: a line per task
 * at thousands a second is for tracing); failures, retries, stalls, lost workers and cancels are
 * INFO and WARN.
 */
final class TaskLog {

  private static final Logger LOG = LoggerFactory.getLogger("io.tef.tasks");

  private TaskLog() {
  }

  /** A line about this task at this level; a no-op builder when the level is off. */
  static LoggingEventBuilder at(Level level, Task t, String node) {
    if (!LOG.isEnabledForLevel(level)) {
      return LOG.atLevel(level);
    }
    LoggingEventBuilder b = LOG.atLevel(level).addKeyValue("task_guid", t.guid()).addKeyValue("task_type", t.taskType())
        .addKeyValue("attempt", t.attempt()).addKeyValue("state", t.state().wire()).addKeyValue("node", node);
    return t.worker() == null ? b : b.addKeyValue("worker", t.worker());
  }

  /** A task ended: completed at DEBUG, failed and cancelled at INFO with the reason. */
  static void ended(Task t, String node) {
    switch (t.state()) {
      case COMPLETED -> at(Level.DEBUG, t, node).log("Task {} completed", t.guid());
      case FAILED -> at(Level.INFO, t, node).log("Task {} failed: {}", t.guid(), t.failReason());
      default -> at(Level.INFO, t, node).log("Task {} {}", t.guid(), t.state().wire());
    }
  }
}
