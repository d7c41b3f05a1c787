package io.tef.core.protocol;

import io.tef.core.task.ValidationException;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/** TEF's worker_status: sent on every change and as the heartbeat. */
public record WorkerStatus(String name, String instance, String status, String task, int attempt) {

  public static final Set<String> STATUSES = Set.of("idle", "ready", "dispatched", "working", "task_complete", "offline");

  public static WorkerStatus fromJson(JsonObject json) {
    String status = Fields.requireString(json, "status");
    if (!STATUSES.contains(status)) {
      throw new ValidationException("status", "unknown status '" + status + "'; one of " + STATUSES);
    }
    Object attempt = json.getValue("attempt");
    return new WorkerStatus(Fields.requireString(json, "name"), Fields.optionalString(json, "instance"), status,
        Fields.optionalString(json, "task"), attempt instanceof Number n ? n.intValue() : 0);
  }

  public JsonObject toJson() {
    return new JsonObject().put("type", "worker_status").put("name", name).put("instance", instance)
        .put("status", status).put("task", task).put("attempt", attempt);
  }
}
