package io.tef.zmq;

import io.vertx.core.json.JsonObject;

/** What a data request answers about a task: {@code {guid, task, state, attempt, worker, result, error, created_at, finished_at}}. */
final class TaskData {

  private TaskData() {
  }

  static JsonObject of(JsonObject view) {
    JsonObject data = new JsonObject()
        .put("guid", view.getValue("guid"))
        .put("task", view.getValue("task_type"))
        .put("state", view.getValue("state"))
        .put("attempt", view.getValue("attempt"))
        .put("worker", view.getValue("worker"))
        .put("result", view.getValue("result"))
        .put("error", view.getValue("fail_reason"))
        .put("created_at", view.getValue("created_at"))
        .put("finished_at", view.getValue("finished_at"));
    data.getMap().values().removeIf(java.util.Objects::isNull);
    return data;
  }
}
