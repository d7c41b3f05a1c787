package io.tef.dispatcher;

import io.tef.core.store.TaskStore;
import io.tef.core.task.TaskJson;
import io.tef.core.task.TaskQuery;
import io.tef.protocol.Addresses;
import io.tef.protocol.Fields;
import io.tef.protocol.Replies;
import io.tef.protocol.task.TasksQuery;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Stored tasks as the doors show them, on {@link Addresses#TASKS_QUERY}: the dispatcher owns the
 * tasks collection, so the gateway asks here instead of reading the store. Reads only; none of
 * it touches dispatch state.
 */
final class TaskQueries {

  private final TaskStore store;

  TaskQueries(TaskStore store) {
    this.store = store;
  }

  /** Registers the consumer; completes once it is registered. */
  Future<Void> register(Vertx vertx) {
    return vertx.eventBus().<Object>consumer(Addresses.TASKS_QUERY,
        m -> Replies.answer(m, body -> answer(TasksQuery.fromJson(Fields.object(body))))).completion();
  }

  Future<JsonObject> answer(TasksQuery q) {
    return switch (q.action()) {
      case GET -> store.find(q.guid()).map(t -> new JsonObject().put("task", t == null ? null : TaskJson.toView(t)));
      case LIST -> {
        TaskQuery query = new TaskQuery(q.state(), q.taskType(), q.suiteGuid(), q.worker(), q.guidContains(),
            q.before() == null ? null : TaskQuery.Cursor.parse(q.before()), q.limit());
        yield store.list(query).map(tasks -> {
          JsonObject page = new JsonObject().put("count", tasks.size()).put("tasks", views(tasks));
          if (tasks.size() == query.limit()) {
            page.put("next", TaskQuery.cursor(tasks.get(tasks.size() - 1)).wire());
          }
          return page;
        });
      }
      case SUITE -> store.countByState(q.suiteGuid())
          .compose(counts -> (q.limit() == 0 || counts.isEmpty()
              ? Future.succeededFuture(java.util.List.<io.tef.core.task.Task>of())
              : store.list(new TaskQuery(null, null, q.suiteGuid(), q.limit()))).map(tasks -> {
            JsonObject byState = new JsonObject();
            counts.forEach(byState::put);
            return new JsonObject().put("suite_guid", q.suiteGuid()).put("total", counts.values().stream().mapToLong(Long::longValue).sum())
                .put("counts", byState).put("tasks", views(tasks));
          }));
      case PING -> store.find("health-check-probe").map(t -> new JsonObject().put("store", "up"));
    };
  }

  private static JsonArray views(java.util.List<io.tef.core.task.Task> tasks) {
    JsonArray out = new JsonArray();
    tasks.forEach(t -> out.add(TaskJson.toView(t)));
    return out;
  }
}
