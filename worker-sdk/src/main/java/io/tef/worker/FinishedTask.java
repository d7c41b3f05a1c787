package io.tef.worker;

import io.tef.protocol.json.IsoInstants;
import io.tef.protocol.task.ResultPosition;
import io.tef.protocol.task.TaskState;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * A task that reached a terminal state, as a keeper receives it: the fields most handlers need,
 * and the whole task view (snake_case, as REST shows it) in {@code view}.
 */
public record FinishedTask(String guid, String taskType, TaskState state, Object result, String failReason,
                           Instant finishedAt, JsonObject view) {

  /** The task view published on {@code tef.events.tasks} or read back by a catch-up; null if it is not a terminal task. */
  static FinishedTask fromView(JsonObject v) {
    if (v == null) {
      return null;
    }
    TaskState state = TaskState.fromWire(v.getString("state"));
    String guid = v.getString("guid");
    String type = v.getString("task_type");
    String at = v.getString("finished_at");
    if (state == null || !state.terminal() || guid == null || type == null || at == null) {
      return null;
    }
    return new FinishedTask(guid, type, state, v.getValue("result"), v.getString("fail_reason"), IsoInstants.parse(at), v);
  }

  public boolean completed() {
    return state == TaskState.COMPLETED;
  }

  /** Where it stands in the order a keeper handles results. */
  public ResultPosition position() {
    return new ResultPosition(finishedAt, guid);
  }
}
