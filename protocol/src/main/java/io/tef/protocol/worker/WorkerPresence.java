package io.tef.protocol.worker;

import io.tef.protocol.Fields;

import io.tef.protocol.ValidationException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What dispatchers learn about a worker instance: the collective says it is up (can take work,
 * and whether it takes {@code abandon} messages) or down (and why); the worker itself says it is
 * idle again after a task, so that a dispatcher it turned away while busy with another
 * dispatcher's task may try it again.
 */
public record WorkerPresence(Event event, String name, String instance, List<String> taskTypes, String task, int attempt,
                             Cause cause, boolean takesAbandon) {

  /** RELEASED: the worker dropped {@code task} / {@code attempt} without finishing it. */
  public enum Event { UP, DOWN, IDLE, RELEASED }

  /**
   * Why a worker went down, or how it dropped a task: it said it was offline (a graceful stop
   * hands its task back), went silent (no heartbeat for twice its interval), was removed
   * (remove_worker), was replaced by a new instance of its name; it went idle from working
   * (dropped) or before it said working (declined).
   */
  public enum Cause {
    OFFLINE, SILENT, REMOVED, REPLACED, DROPPED, DECLINED;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static WorkerPresence up(WorkerRegistration r) {
    return new WorkerPresence(Event.UP, r.name(), r.instance(), r.taskTypes(), r.runningTask(), r.runningAttempt(), null, r.takesAbandon());
  }

  public static WorkerPresence down(String name, String instance, Cause cause) {
    return new WorkerPresence(Event.DOWN, name, instance, List.of(), null, 0, cause, false);
  }

  public static WorkerPresence idle(String name, String instance) {
    return new WorkerPresence(Event.IDLE, name, instance, List.of(), null, 0, null, false);
  }

  public static WorkerPresence released(String name, String instance, String task, int attempt, Cause cause) {
    return new WorkerPresence(Event.RELEASED, name, instance, List.of(), task, attempt, cause, false);
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
    String c = Fields.optionalString(json, "cause");
    Cause cause;
    try {
      cause = c == null ? null : Cause.valueOf(c.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException bad) {
      throw new ValidationException("cause", "must be one of offline, silent, removed, replaced, dropped, declined, got '" + c + "'");
    }
    return new WorkerPresence(event, Fields.requireString(json, "name"), Fields.requireString(json, "instance"),
        Fields.stringList(json, "task_types"), Fields.optionalString(json, "task"),
        json.getValue("attempt") instanceof Number a ? a.intValue() : 0, cause, Boolean.TRUE.equals(json.getValue("takes_abandon")));
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("event", event.name().toLowerCase(Locale.ROOT)).put("name", name).put("instance", instance)
        .put("task_types", new JsonArray(new ArrayList<>(taskTypes))).put("task", task).put("attempt", attempt);
    if (cause != null) {
      json.put("cause", cause.wire());
    }
    if (takesAbandon) {
      json.put("takes_abandon", true);
    }
    return json;
  }
}
