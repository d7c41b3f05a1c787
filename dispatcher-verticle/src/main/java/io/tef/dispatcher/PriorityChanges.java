package io.tef.dispatcher;

import io.tef.core.task.Task;
import io.tef.core.task.TaskJson;
import io.tef.protocol.ValidationException;
import io.tef.protocol.task.PriorityChange;
import io.tef.protocol.task.TaskState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.event.Level;

/**
 * A task's priority changed by hand while it waits (queued, timed, parked on a resource, or in a
 * paused suite): kept in its place among tasks of the same priority, written, and effective at
 * the next dispatch. A task given to a worker or ended is refused with 409: its priority no
 * longer decides anything.
 */
final class PriorityChanges {

  private final LiveTasks live;
  private final StoreWriter writer;
  private final Matcher matcher;
  private final String nodeName;

  PriorityChanges(LiveTasks live, StoreWriter writer, Matcher matcher, String nodeName) {
    this.live = live;
    this.writer = writer;
    this.matcher = matcher;
    this.nodeName = nodeName;
  }

  /** Changes the priority of a task held here (the caller forwards the others). */
  Future<JsonObject> change(Task t, PriorityChange change) {
    if (t.state() != TaskState.QUEUED && t.state() != TaskState.PAUSED) {
      throw new ValidationException(409, "guid", "task '" + t.guid() + "' is " + t.state().wire()
          + ": only a queued or paused task's priority can change");
    }
    if (t.priority() == change.priority()) {
      return Future.succeededFuture(new JsonObject().put("task", TaskJson.toView(t)));
    }
    Task changed = t.withPriority(change.priority(), nodeName);
    live.put(changed);
    boolean queued = live.queue().replace(changed);
    TaskLog.at(Level.INFO, changed, nodeName).log("Task {} priority {} -> {}", t.guid(), t.priority(), change.priority());
    return writer.save(changed).map(v -> {
      if (queued) {
        matcher.dispatchType(changed.taskType());
      }
      return new JsonObject().put("task", TaskJson.toView(live.get(t.guid()) == null ? changed : live.get(t.guid())));
    });
  }
}
