package io.tef.core.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * A worker introducing itself (Qworker's worker:initialize): its unique name, the instance id
 * that tells a restarted worker from the old one, the task types it runs, where it is, the
 * ping interval it asks for (0: the node's), the task it is running when it registers again, and optionally wokmanager's {@code group}
 * ({@code product.importer}) and TEF's {@code worker_type}.
 */
public record WorkerRegistration(String name, String instance, List<String> taskTypes, String host, long pid,
                                 long pingIntervalMs, String group, String workerType,
                                 String runningTask, int runningAttempt) {

  /** The shortest ping interval a worker may ask for. */
  public static final long MIN_PING_MS = 100;

  /** The shape callers used before the ping interval, group and worker_type existed. */
  public WorkerRegistration(String name, String instance, List<String> taskTypes, String host, long pid) {
    this(name, instance, taskTypes, host, pid, 0, null, null, null, 0);
  }

  public static WorkerRegistration fromJson(JsonObject json) {
    List<String> types = WorkerIdentity.taskTypes("task_types", Fields.stringList(json, "task_types"));
    if (types.isEmpty()) {
      throw new io.tef.core.task.ValidationException("task_types", "must name at least one task type");
    }
    Object pid = json.getValue("pid");
    Object ping = json.getValue("ping_interval_ms");
    if (ping != null && (!(ping instanceof Number p) || p.longValue() < MIN_PING_MS)) {
      throw new io.tef.core.task.ValidationException("ping_interval_ms", "must be a number of milliseconds of at least " + MIN_PING_MS + ", got " + ping);
    }
    return new WorkerRegistration(WorkerIdentity.token("name", Fields.requireString(json, "name")),
        WorkerIdentity.token("instance", Fields.requireString(json, "instance")),
        types, Fields.optionalString(json, "host"), pid instanceof Number n ? n.longValue() : -1,
        ping == null ? 0 : ((Number) ping).longValue(),
        Fields.optionalString(json, "group"), WorkerIdentity.taskType("worker_type", Fields.optionalString(json, "worker_type")),
        Fields.optionalString(json, "task"), json.getValue("attempt") instanceof Number a ? a.intValue() : 0);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", name).put("instance", instance)
        .put("task_types", new JsonArray(new ArrayList<>(taskTypes))).put("host", host).put("pid", pid);
    // Left out when absent, so older readers see the message they knew.
    if (pingIntervalMs > 0) {
      json.put("ping_interval_ms", pingIntervalMs);
    }
    if (group != null) {
      json.put("group", group);
    }
    if (workerType != null) {
      json.put("worker_type", workerType);
    }
    // A worker that registers again (its node came back) says which task it is still running.
    if (runningTask != null) {
      json.put("task", runningTask).put("attempt", runningAttempt);
    }
    return json;
  }
}
