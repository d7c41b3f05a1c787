package io.tef.protocol.worker;

import io.tef.protocol.CollectiveControl;
import io.tef.protocol.Fields;

import io.tef.protocol.ValidationException;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;

/**
 * TEF's worker_status: sent on every change and as the heartbeat. TEF workers also name their
 * {@code worker_type} (the task type they run) and {@code exchange_name} (their AMQP queue), which
 * lets the collective register a worker it does not know from its status alone. TEF's own worker
 * sends nothing more; a worker may also announce its {@code ping_interval_ms} (how often it sends
 * this; 0: not announced) and {@code takes_abandon} (it drops a task when told to abandon it).
 */
public record WorkerStatus(String name, String instance, String status, String task, int attempt,
                           String workerType, String exchangeName, List<String> taskTypes,
                           long pingIntervalMs, boolean takesAbandon) {

  /** {@code ready} is TEF's README word for {@code idle}; both are accepted and stored as idle. */
  public static final Set<String> STATUSES = Set.of("idle", "ready", "dispatched", "working", "task_complete", "offline");

  /** The shape callers used before the TEF fields existed. */
  public WorkerStatus(String name, String instance, String status, String task, int attempt) {
    this(name, instance, status, task, attempt, null, null, List.of(), 0, false);
  }

  /** The one reading of a status, for every door: the worker's identity is bounded ({@link WorkerIdentity}). */
  public static WorkerStatus fromJson(JsonObject json) {
    String status = Fields.requireString(json, "status");
    if (!STATUSES.contains(status)) {
      throw new ValidationException("status", "unknown status '" + status + "'; one of " + STATUSES);
    }
    Object attempt = json.getValue("attempt");
    if (attempt != null && !(attempt instanceof Number)) {
      throw new ValidationException("attempt", "must be a whole number");
    }
    return new WorkerStatus(WorkerIdentity.token("name", Fields.requireString(json, "name")),
        WorkerIdentity.token("instance", Fields.optionalString(json, "instance")), status,
        Fields.optionalString(json, "task"), attempt instanceof Number n ? n.intValue() : 0,
        WorkerIdentity.taskType("worker_type", Fields.optionalString(json, "worker_type")),
        WorkerIdentity.queueName("exchange_name", Fields.optionalString(json, "exchange_name")),
        WorkerIdentity.taskTypes("task_types", Fields.stringList(json, "task_types")),
        WorkerRegistration.pingInterval(json), WorkerRegistration.takesAbandon(json));
  }

  /** idle for ready; every other status as sent. */
  public String normalized() {
    return "ready".equals(status) ? "idle" : status;
  }

  /** The task types this status names: its task_types, else its worker_type (TEF). */
  public List<String> namedTaskTypes() {
    if (!taskTypes.isEmpty()) {
      return taskTypes;
    }
    return workerType == null || workerType.isBlank() ? List.of() : List.of(workerType);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", CollectiveControl.WORKER_STATUS.wire()).put("name", name).put("instance", instance)
        .put("status", status).put("task", task).put("attempt", attempt);
    if (workerType != null) {
      json.put("worker_type", workerType);
    }
    if (exchangeName != null) {
      json.put("exchange_name", exchangeName);
    }
    if (!taskTypes.isEmpty()) {
      json.put("task_types", new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(taskTypes)));
    }
    if (pingIntervalMs > 0) {
      json.put("ping_interval_ms", pingIntervalMs);
    }
    if (takesAbandon) {
      json.put("takes_abandon", true);
    }
    return json;
  }
}
