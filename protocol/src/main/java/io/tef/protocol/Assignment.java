package io.tef.protocol;

import io.vertx.core.json.JsonObject;

/**
 * What a dispatcher sends on a worker's address {@code tef.worker.<name>}: a task to run
 * ({@code {"type": "task", "task": <view>, "attempt", "report_to"}}) or an abandon of an attempt
 * it ended ({@code {"type": "abandon", "guid", "attempt"}}). Built and read only here, by the
 * dispatcher, the worker SDK and the AMQP bridge.
 */
public sealed interface Assignment {

  String TASK = "task";
  String ABANDON = "abandon";

  JsonObject toJson();

  /**
   * A task to run under {@code attempt}; reports go to {@code reportTo} and carry {@code token},
   * the attempt's secret ({@code attempt_token}), without which the dispatcher records none.
   */
  record Task(JsonObject task, int attempt, String reportTo, String token) implements Assignment {

    public static final String TOKEN = "attempt_token";

    public String guid() {
      return task.getString("guid");
    }

    public String taskType() {
      return task.getString("task_type");
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("type", TASK).put("task", task).put("attempt", attempt).put("report_to", reportTo).put(TOKEN, token);
    }
  }

  /** The attempt is over (stalled, cancelled): the worker lets go of it. */
  record Abandon(String guid, int attempt) implements Assignment {

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("type", ABANDON).put("guid", guid).put("attempt", attempt);
    }
  }

  /** Reads a message on a worker's address; {@link ValidationException} names the field at fault. */
  static Assignment fromJson(JsonObject json) {
    if (json == null) {
      throw new ValidationException(null, "an assignment is a JSON object of type task or abandon");
    }
    String type = Fields.requireString(json, "type");
    return switch (type) {
      case TASK -> {
        JsonObject task = Fields.optionalObject(json, "task");
        if (task == null || !(task.getValue("guid") instanceof String) || !(task.getValue("task_type") instanceof String)) {
          throw new ValidationException("task", "a task assignment carries the task, with its guid and task_type");
        }
        String reportTo = Fields.optionalString(json, "report_to");
        yield new Task(task, Fields.requireInt(json, "attempt"), reportTo == null ? io.tef.protocol.Addresses.TASKS_REPORT : reportTo,
            Fields.requireString(json, Task.TOKEN));
      }
      case ABANDON -> new Abandon(Fields.requireString(json, "guid"), Fields.requireInt(json, "attempt"));
      default -> throw new ValidationException("type", "a worker takes assignments of type task or abandon, got " + type);
    };
  }
}
