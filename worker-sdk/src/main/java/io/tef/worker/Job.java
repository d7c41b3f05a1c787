package io.tef.worker;

import io.vertx.core.json.JsonObject;

/** One attempt of one task, as its handler sees it. */
public record Job(String guid, String taskType, int attempt, Object data, JsonObject task) {

  static Job from(JsonObject message) {
    JsonObject task = message.getJsonObject("task");
    return new Job(task.getString("guid"), task.getString("task_type"), message.getInteger("attempt"),
        task.getValue("task_data"), task);
  }
}
