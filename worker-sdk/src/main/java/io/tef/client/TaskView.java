package io.tef.client;

import io.tef.protocol.json.IsoInstants;
import io.tef.protocol.task.TaskState;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * A task as TEF shows it (REST's {@code GET /api/tasks/{guid}}), typed; {@link #json()} keeps the
 * whole view, fields added later included.
 */
public record TaskView(String guid, String taskType, TaskState state, int priority, int attempt, String worker, int progress,
                       Object data, Object result, String failReason, int failCount, String suiteGuid,
                       Instant createdAt, Instant startedAt, Instant finishedAt, JsonObject json) {

  public static TaskView of(JsonObject v) {
    return new TaskView(v.getString("guid"), v.getString("task_type"), TaskState.fromWire(v.getString("state")),
        v.getInteger("priority", 0), v.getInteger("attempt", 0), v.getString("worker"), v.getInteger("progress", 0),
        v.getValue("task_data"), v.getValue("result"), v.getString("fail_reason"), v.getInteger("fail_count", 0),
        v.getString("suite_guid"), instant(v, "created_at"), instant(v, "started_at"), instant(v, "finished_at"), v);
  }

  /** Completed, failed or cancelled. */
  public boolean ended() {
    return state == TaskState.COMPLETED || state == TaskState.FAILED || state == TaskState.CANCELLED;
  }

  private static Instant instant(JsonObject v, String field) {
    String s = v.getString(field);
    return s == null ? null : IsoInstants.parse(s);
  }
}
