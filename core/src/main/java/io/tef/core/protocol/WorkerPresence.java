package io.tef.core.protocol;

import io.tef.core.task.ValidationException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * What dispatchers learn about a worker instance: the collective says it is up (can take work)
 * or down; the worker itself says it is idle again after a task, so that a dispatcher it turned
 * away while busy with another dispatcher's task may try it again.
 */
public record WorkerPresence(Event event, String name, String instance, List<String> taskTypes, String task, int attempt) {

  /** RELEASED: the worker dropped {@code task} / {@code attempt} without finishing it. */
  public enum Event { UP, DOWN, IDLE, RELEASED }

  public static WorkerPresence up(WorkerRegistration r) {
    return new WorkerPresence(Event.UP, r.name(), r.instance(), r.taskTypes(), r.runningTask(), r.runningAttempt());
  }

  public static WorkerPresence down(String name, String instance) {
    return new WorkerPresence(Event.DOWN, name, instance, List.of(), null, 0);
  }

  public static WorkerPresence idle(String name, String instance) {
    return new WorkerPresence(Event.IDLE, name, instance, List.of(), null, 0);
  }

  public static WorkerPresence released(String name, String instance, String task, int attempt) {
    return new WorkerPresence(Event.RELEASED, name, instance, List.of(), task, attempt);
  }

  public boolean up() {
    return event == Event.UP;
  }

  public static WorkerPresence fromJson(JsonObject json) {
    String e = Fields.requireString(json, "event");
    Event event = switch (e) {
      case "up" -> Event.UP;
      case "down" -> Event.DOWN;
      case "idle" -> Event.IDLE;
      case "released" -> Event.RELEASED;
      default -> throw new ValidationException("event", "must be up, down, idle or released, got '" + e + "'");
    };
    return new WorkerPresence(event, Fields.requireString(json, "name"), Fields.requireString(json, "instance"),
        Fields.stringList(json, "task_types"), Fields.optionalString(json, "task"),
        json.getValue("attempt") instanceof Number a ? a.intValue() : 0);
  }

  public JsonObject toJson() {
    return new JsonObject().put("event", event.name().toLowerCase(java.util.Locale.ROOT)).put("name", name).put("instance", instance)
        .put("task_types", new JsonArray(new ArrayList<>(taskTypes))).put("task", task).put("attempt", attempt);
  }
}
