package io.tef.dispatcher;

import io.tef.core.store.TaskStore;
import io.tef.core.task.Task;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Writes task states to the store in the order they happened. Writes of one task are chained,
 * so a late "dispatched" write can never land over "completed"; writes of different tasks run
 * side by side.
 */
final class StoreWriter {

  private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);

  private final TaskStore store;
  private final Map<String, Future<Void>> tails = new HashMap<>();

  StoreWriter(TaskStore store) {
    this.store = store;
  }

  /** Saves this state of the task once every earlier write of it is done. */
  Future<Void> save(Task task) {
    String guid = task.guid();
    Future<Void> previous = tails.getOrDefault(guid, Future.succeededFuture());
    Future<Void> next = previous.transform(ignored -> store.save(task));
    tails.put(guid, next);
    next.onComplete(ar -> {
      if (ar.failed()) {
        LOG.error("Saving task {} ({}) failed", guid, task.state().wire(), ar.cause());
      }
      if (tails.get(guid) == next) {
        tails.remove(guid);
      }
    });
    return next;
  }

  /** Completes when every write started so far has finished. */
  Future<Void> drain() {
    return Future.join(tails.values().stream().map(f -> (Future<?>) f).toList()).mapEmpty();
  }
}
