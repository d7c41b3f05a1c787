package io.tef.dispatcher;

import io.tef.core.task.Task;
import io.tef.protocol.task.TaskState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * TEF's suites: pause_suite holds a suite's queued tasks and those submitted to it later,
 * ready_suite queues them again, stop_suite cancels every unfinished task of it.
 */
final class Suites {

  private static final Logger LOG = LoggerFactory.getLogger(Suites.class);

  private final LiveTasks live;
  private final StoreWriter writer;
  /** Cancels a live task by guid, as a forwarded cancel (never passed on). */
  private final Function<String, Future<JsonObject>> cancel;
  private final String nodeName;
  /** Suites whose new tasks are held as they arrive. */
  private final Set<String> paused = new HashSet<>();

  Suites(LiveTasks live, StoreWriter writer, Function<String, Future<JsonObject>> cancel, String nodeName) {
    this.live = live;
    this.writer = writer;
    this.cancel = cancel;
    this.nodeName = nodeName;
  }

  /** Whether the suite's new tasks are held as they arrive. */
  boolean paused(String suite) {
    return suite != null && paused.contains(suite);
  }

  /** A held task of this suite was taken over from the store: so are its later ones. */
  void held(String suite) {
    paused.add(suite);
  }

  /** Running tasks finish; queued ones are held (state paused). */
  JsonObject pause(String suite) {
    paused.add(suite);
    int n = 0;
    for (Task t : tasksOf(suite)) {
      if (t.state() == TaskState.QUEUED) {
        live.unqueue(t);
        Task held = t.paused(nodeName);
        live.put(held);
        writer.save(held);
        n++;
      }
    }
    LOG.info("Suite {} paused: {} tasks held", suite, n);
    return new JsonObject().put("suite_guid", suite).put("paused", n);
  }

  /** Held tasks of the suite go back to the queue. */
  JsonObject ready(String suite) {
    paused.remove(suite);
    int n = 0;
    for (Task t : tasksOf(suite)) {
      if (t.state() == TaskState.PAUSED) {
        live.requeue(t);
        n++;
      }
    }
    LOG.info("Suite {} ready: {} tasks queued again", suite, n);
    return new JsonObject().put("suite_guid", suite).put("queued", n);
  }

  /** Every unfinished task of the suite is cancelled; running ones are abandoned by their workers. */
  Future<JsonObject> stop(String suite) {
    paused.remove(suite);
    List<Future<JsonObject>> cancels = tasksOf(suite).stream().map(t -> cancel.apply(t.guid())).toList();
    LOG.info("Suite {} stopped: {} tasks cancelled", suite, cancels.size());
    return Future.join(cancels).map(v -> new JsonObject().put("suite_guid", suite).put("cancelled", cancels.size()));
  }

  private List<Task> tasksOf(String suite) {
    return live.where(t -> suite.equals(t.suiteGuid()));
  }
}
