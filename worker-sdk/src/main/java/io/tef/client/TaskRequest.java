package io.tef.client;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * A task to submit: TEF's envelope, typed. Only {@code taskType} is required; TEF fills the rest
 * from the task type's definition (priority, time limit, attempts) and makes a guid when none is
 * given. Each {@code with} returns a copy.
 */
public record TaskRequest(String taskType, String guid, Object data, Integer priority, String suiteGuid, Instant runAt,
                          Integer maxAttempts, Integer timeLimitSeconds, String resources) {

  public static TaskRequest of(String taskType) {
    return new TaskRequest(taskType, null, null, null, null, null, null, null, null);
  }

  public TaskRequest withGuid(String g) {
    return new TaskRequest(taskType, g, data, priority, suiteGuid, runAt, maxAttempts, timeLimitSeconds, resources);
  }

  /** task_data: any JSON value (a JsonObject, a Map, a String, a number...); TEF never reads it. */
  public TaskRequest withData(Object d) {
    return new TaskRequest(taskType, guid, d, priority, suiteGuid, runAt, maxAttempts, timeLimitSeconds, resources);
  }

  public TaskRequest withPriority(int p) {
    return new TaskRequest(taskType, guid, data, p, suiteGuid, runAt, maxAttempts, timeLimitSeconds, resources);
  }

  public TaskRequest inSuite(String suite) {
    return new TaskRequest(taskType, guid, data, priority, suite, runAt, maxAttempts, timeLimitSeconds, resources);
  }

  public TaskRequest runAt(Instant at) {
    return new TaskRequest(taskType, guid, data, priority, suiteGuid, at, maxAttempts, timeLimitSeconds, resources);
  }

  public TaskRequest withMaxAttempts(int n) {
    return new TaskRequest(taskType, guid, data, priority, suiteGuid, runAt, n, timeLimitSeconds, resources);
  }

  public TaskRequest withTimeLimitSeconds(int s) {
    return new TaskRequest(taskType, guid, data, priority, suiteGuid, runAt, maxAttempts, s, resources);
  }

  /** Resources the task takes, TEF's {@code "a|b"}. */
  public TaskRequest withResources(String r) {
    return new TaskRequest(taskType, guid, data, priority, suiteGuid, runAt, maxAttempts, timeLimitSeconds, r);
  }

  /** The envelope as TEF reads it. */
  public JsonObject toJson() {
    JsonObject e = new JsonObject().put("type", "task").put("task_type", taskType);
    put(e, "guid", guid);
    put(e, "task_data", data);
    put(e, "priority", priority);
    put(e, "suite_guid", suiteGuid);
    put(e, "run_at", runAt == null ? null : runAt.toString());
    put(e, "max_attempts", maxAttempts);
    put(e, "time_limit", timeLimitSeconds);
    put(e, "resources", resources);
    return e;
  }

  private static void put(JsonObject e, String k, Object v) {
    if (v != null) {
      e.put(k, v);
    }
  }
}
