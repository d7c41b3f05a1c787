package io.tef.dispatcher;

import io.tef.protocol.task.TaskDefaults;
import io.tef.core.task.TaskDefinition;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a task gets for the fields its envelope leaves out: its task type's definition first,
 * then the dispatcher's configured defaults.
 */
final class TaskTypeDefaults {

  private final TaskDefaults fallback;
  private final Map<String, TaskDefinition> byType = new HashMap<>();

  /** Where the definitions come from when the dispatcher starts (the registry, which owns them). */
  interface Source {
    Future<List<TaskDefinition>> all();
  }

  TaskTypeDefaults(TaskDefaults fallback) {
    this.fallback = fallback;
  }

  Future<Void> load(Source store) {
    return store.all().map(all -> {
      all.forEach(d -> byType.put(d.id(), d));
      return null;
    });
  }

  /** The defaults for this envelope's task_type (the envelope is validated afterwards). */
  TaskDefaults forEnvelope(JsonObject envelope) {
    TaskDefinition d = envelope == null || !(envelope.getValue("task_type") instanceof String t) ? null : byType.get(t);
    return d == null ? fallback : d.defaults(fallback);
  }

  /** A registry defined or deleted a task type. */
  void onEvent(JsonObject event) {
    switch (event.getString("event", "")) {
      case "defined" -> {
        TaskDefinition d = TaskDefinition.fromJson(event.getJsonObject("definition"));
        byType.put(d.id(), d);
      }
      case "deleted" -> byType.remove(event.getString("id"));
      default -> { }
    }
  }
}
