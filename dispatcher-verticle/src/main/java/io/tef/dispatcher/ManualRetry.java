package io.tef.dispatcher;

import io.tef.core.store.LeaseStore;
import io.tef.core.store.TaskStore;
import io.tef.core.task.Task;
import io.tef.core.task.TaskJson;
import io.tef.protocol.ValidationException;
import io.tef.protocol.task.TaskState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.event.Level;

/**
 * "Retry now": a failed or cancelled task queued again at once under a new attempt, its failures
 * counted from zero. An ended task belongs to no dispatcher, so the first to claim it (the same
 * claim a keyed resubmission takes to revive one) queues it; a second request finds it queued.
 */
final class ManualRetry {

  private final LiveTasks live;
  private final TaskStore store;
  private final StoreWriter writer;
  private final LeaseStore leases;
  private final String instance;
  private final String nodeName;

  ManualRetry(LiveTasks live, TaskStore store, StoreWriter writer, LeaseStore leases, String instance, String nodeName) {
    this.live = live;
    this.store = store;
    this.writer = writer;
    this.leases = leases;
    this.instance = instance;
    this.nodeName = nodeName;
  }

  Future<JsonObject> retry(String guid) {
    Task running = live.get(guid);
    if (running != null) {
      throw notRetried(running);
    }
    return store.find(guid).compose(stored -> {
      if (stored == null) {
        throw new ValidationException(404, "guid", "no task with guid '" + guid + "'");
      }
      if (stored.state() != TaskState.FAILED && stored.state() != TaskState.CANCELLED) {
        throw notRetried(stored);
      }
      return leases.takeOver("revive:" + stored.guid() + "#" + stored.attempt() + "@" + stored.finishedAt(), instance).compose(won -> {
        if (!won) {
          throw new ValidationException(409, "guid", "task '" + guid + "' is being queued again by another request");
        }
        Task queued = stored.withOwner(instance).retriedByHand(live.now(), nodeName);
        live.put(queued);
        live.enqueue(queued);
        TaskLog.at(Level.INFO, queued, nodeName).log("Task {} queued again by hand after it was {}", guid, stored.state().wire());
        return writer.save(queued).map(v -> new JsonObject().put("task", TaskJson.toView(queued)));
      });
    });
  }

  private static ValidationException notRetried(Task t) {
    return new ValidationException(409, "guid", "task '" + t.guid() + "' is " + t.state().wire()
        + ": only a failed or cancelled task can be retried");
  }
}
