package io.tef.protocol.task;

import io.tef.protocol.Fields;
import io.tef.protocol.ValidationException;
import io.vertx.core.json.JsonObject;

/**
 * A read of stored tasks on {@code tef.tasks.query}, answered by a dispatcher (the owner of the
 * tasks collection), for the doors that show tasks:
 * <ul>
 *   <li>{@code {"action": "get", "guid"}}: {@code {"task": view | null}};</li>
 *   <li>{@code {"action": "list", "state"?, "task_type"?, "suite_guid"?, "worker"?, "guid_contains"?, "before"?, "limit"}}:
 *       {@code {"count", "tasks": [views], "next"?}}, newest first; {@code next} (a full page) is the {@code before} of the next page;</li>
 *   <li>{@code {"action": "suite", "suite_guid", "limit"?}}: {@code {"suite_guid", "total", "counts": {state: n}, "tasks": [views]}},
 *       the {@code limit} newest tasks (default {@value #SUITE_DEFAULT_LIMIT}, 0 to {@value #SUITE_MAX_LIMIT}; 0: the counts alone);</li>
 *   <li>{@code {"action": "ping"}}: {@code {"store": "up"}} once the store answered.</li>
 * </ul>
 * Bad input fails with 400 naming the field, as every {@link io.tef.protocol.Replies} answer does.
 */
public record TasksQuery(Action action, String guid, TaskState state, String taskType, String suiteGuid, String worker,
                         String guidContains, String before, int limit) {

  /** Tasks a suite's answer lists when not told: its counts say the rest, and a page stays cheap. */
  public static final int SUITE_DEFAULT_LIMIT = 100;
  public static final int SUITE_MAX_LIMIT = 1000;

  public enum Action {
    GET("get"), LIST("list"), SUITE("suite"), PING("ping");

    private final String wire;

    Action(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    static Action parse(String s) {
      for (Action a : values()) {
        if (a.wire.equals(s)) {
          return a;
        }
      }
      throw new ValidationException("action", "must be get, list, suite or ping, got '" + s + "'");
    }
  }

  public static TasksQuery get(String guid) {
    return new TasksQuery(Action.GET, guid, null, null, null, null, null, null, 0);
  }

  public static TasksQuery list(TaskState state, String taskType, String suiteGuid, int limit) {
    return list(state, taskType, suiteGuid, null, null, null, limit);
  }

  /** A page of tasks by any of these filters (null: any), after the page whose {@code next} is {@code before}. */
  public static TasksQuery list(TaskState state, String taskType, String suiteGuid, String worker, String guidContains, String before, int limit) {
    return new TasksQuery(Action.LIST, null, state, taskType, suiteGuid, worker, guidContains, before, limit);
  }

  public static TasksQuery suite(String suiteGuid) {
    return suite(suiteGuid, SUITE_DEFAULT_LIMIT);
  }

  /** A suite's counts and its {@code limit} newest tasks (0: the counts alone). */
  public static TasksQuery suite(String suiteGuid, int limit) {
    if (limit < 0 || limit > SUITE_MAX_LIMIT) {
      throw new ValidationException("limit", "must be between 0 and " + SUITE_MAX_LIMIT + ", got " + limit);
    }
    return new TasksQuery(Action.SUITE, null, null, null, suiteGuid, null, null, null, limit);
  }

  public static TasksQuery ping() {
    return new TasksQuery(Action.PING, null, null, null, null, null, null, null, 0);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("action", action.wire());
    switch (action) {
      case GET -> json.put("guid", guid);
      case LIST -> json.put("state", state == null ? null : state.wire()).put("task_type", taskType).put("suite_guid", suiteGuid)
          .put("worker", worker).put("guid_contains", guidContains).put("before", before).put("limit", limit);
      case SUITE -> json.put("suite_guid", suiteGuid).put("limit", limit);
      case PING -> { }
    }
    return json;
  }

  public static TasksQuery fromJson(JsonObject json) {
    Action action = Action.parse(Fields.requireString(json, "action"));
    return switch (action) {
      case GET -> get(Fields.requireString(json, "guid"));
      case LIST -> {
        String s = Fields.optionalString(json, "state");
        TaskState state = s == null ? null : TaskState.fromWire(s);
        if (s != null && state == null) {
          throw new ValidationException("state", "unknown state '" + s + "'");
        }
        yield list(state, Fields.optionalString(json, "task_type"), Fields.optionalString(json, "suite_guid"), Fields.optionalString(json, "worker"),
            Fields.optionalString(json, "guid_contains"), Fields.optionalString(json, "before"), Fields.requireInt(json, "limit"));
      }
      case SUITE -> suite(Fields.requireString(json, "suite_guid"),
          json.containsKey("limit") ? Fields.requireInt(json, "limit") : SUITE_DEFAULT_LIMIT);
      case PING -> ping();
    };
  }
}
