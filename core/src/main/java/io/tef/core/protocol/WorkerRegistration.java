package io.tef.core.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * A worker introducing itself (Qworker's worker:initialize): its unique name, the instance id
 * that tells a restarted worker from the old one, the task types it runs, where it is, and
 * optionally wokmanager's {@code group} ({@code product.importer}) and TEF's {@code worker_type}.
 */
public record WorkerRegistration(String name, String instance, List<String> taskTypes, String host, long pid,
                                 String group, String workerType) {

  /** The shape callers used before group and worker_type existed. */
  public WorkerRegistration(String name, String instance, List<String> taskTypes, String host, long pid) {
    this(name, instance, taskTypes, host, pid, null, null);
  }

  public static WorkerRegistration fromJson(JsonObject json) {
    List<String> types = Fields.stringList(json, "task_types");
    if (types.isEmpty()) {
      throw new io.tef.core.task.ValidationException("task_types", "must name at least one task type");
    }
    Object pid = json.getValue("pid");
    return new WorkerRegistration(Fields.requireString(json, "name"), Fields.requireString(json, "instance"),
        types, Fields.optionalString(json, "host"), pid instanceof Number n ? n.longValue() : -1,
        Fields.optionalString(json, "group"), Fields.optionalString(json, "worker_type"));
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", name).put("instance", instance)
        .put("task_types", new JsonArray(new ArrayList<>(taskTypes))).put("host", host).put("pid", pid);
    // Left out when absent, so older readers see the message they knew.
    if (group != null) {
      json.put("group", group);
    }
    if (workerType != null) {
      json.put("worker_type", workerType);
    }
    return json;
  }
}
