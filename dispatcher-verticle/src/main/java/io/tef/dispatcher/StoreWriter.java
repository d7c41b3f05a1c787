package io.tef.dispatcher;

import io.tef.core.store.TaskStore;
import io.tef.core.task.Task;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes task states to the store in the order they happened. Writes of one task are chained,
 * so a late "dispatched" write can never land over "completed"; writes of different tasks run
 * side by side. The store fences each write by the attempt too ({@link TaskStore#save}): a write
 * the store refuses (it holds a newer attempt, or the same one ended) is logged and counted,
 * never forced.
 */
final class StoreWriter {

  private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);

  private final TaskStore store;
  private final Map<String, Future<Void>> tails = new HashMap<>();
  private final AtomicLong refused = new AtomicLong();

  StoreWriter(TaskStore store) {
    this.store = store;
  }

  /** Saves this state of the task once every earlier write of it is done. */
  Future<Void> save(Task task) {
    String guid = task.guid();
    Future<Void> previous = tails.getOrDefault(guid, Future.succeededFuture());
    Future<Void> next = previous.transform(ignored -> store.save(task)).map(outcome -> {
      if (!outcome.written()) {
        long n = refused.incrementAndGet();
        Task stored = outcome.stored();
        if (stored == null) {
          LOG.warn("The store refused the write of task {} ({} at attempt {}): it holds no such task; nothing written ({} refused so far)",
              guid, task.state().wire(), task.attempt(), n);
        } else {
          LOG.warn("The store refused the write of task {} ({} at attempt {}): it holds {} at attempt {} (owner {}); nothing written ({} refused so far)",
              guid, task.state().wire(), task.attempt(), stored.state().wire(), stored.attempt(), stored.owner(), n);
        }
      }
      return null;
    });
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

  /** How many writes the store refused by its attempt fence since this writer was made. */
  long refused() {
    return refused.get();
  }

  /** Completes when every write started so far has finished. */
  Future<Void> drain() {
    return Future.join(tails.values().stream().map(f -> (Future<?>) f).toList()).mapEmpty();
  }
}
