package io.tef.core.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** The collective telling dispatchers that a worker instance is up (can take work) or down. */
public record WorkerPresence(boolean up, String name, String instance, List<String> taskTypes) {

  public static WorkerPresence up(WorkerRegistration r) {
    return new WorkerPresence(true, r.name(), r.instance(), r.taskTypes());
  }

  public static WorkerPresence down(String name, String instance) {
    return new WorkerPresence(false, name, instance, List.of());
  }

  public static WorkerPresence fromJson(JsonObject json) {
    return new WorkerPresence("up".equals(json.getString("event")), Fields.requireString(json, "name"),
        Fields.requireString(json, "instance"), Fields.stringList(json, "task_types"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("event", up ? "up" : "down").put("name", name).put("instance", instance)
        .put("task_types", new JsonArray(new ArrayList<>(taskTypes)));
  }
}
