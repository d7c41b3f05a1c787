package io.tef.bridge;

import io.vertx.core.json.JsonObject;

/**
 * What a keeper queue gets for a task that ended: the task as every door shows it, with its
 * result also where TEF's keepers read a worker's output, {@code task_data.results} (TEF's worker
 * wrote it there and published the task). That needs task_data to be an object: one that is
 * absent becomes {@code {"results": ...}}; a string, number or list is left as it came, and the
 * result is in {@code result} only. {@code results} is the result even when task_data had its own
 * {@code results}, as TEF's worker overwrote it; null for a task that ended without one.
 */
final class KeeperMessage {

  static JsonObject of(JsonObject task) {
    JsonObject message = task.copy();
    Object data = message.getValue("task_data");
    if (data == null || data instanceof JsonObject) {
      JsonObject withResults = data == null ? new JsonObject() : (JsonObject) data;
      withResults.put("results", message.getValue("result"));
      message.put("task_data", withResults);
    }
    return message;
  }

  private KeeperMessage() {
  }
}
