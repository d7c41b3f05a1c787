package io.tef.core.protocol;

import io.tef.core.task.ValidationException;
import io.vertx.core.json.JsonObject;

/**
 * A worker's word on the task it was given. The attempt is the fencing token: a report naming
 * any attempt but the task's current one is refused.
 */
public record TaskReport(String guid, int attempt, String worker, Kind kind, Object result, String reason) {

  public enum Kind { WORKING, COMPLETED, FAILED }

  public static TaskReport working(String guid, int attempt, String worker) {
    return new TaskReport(guid, attempt, worker, Kind.WORKING, null, null);
  }

  public static TaskReport completed(String guid, int attempt, String worker, Object result) {
    return new TaskReport(guid, attempt, worker, Kind.COMPLETED, result, null);
  }

  public static TaskReport failed(String guid, int attempt, String worker, String reason) {
    return new TaskReport(guid, attempt, worker, Kind.FAILED, null, reason);
  }

  public static TaskReport fromJson(JsonObject json) {
    String event = Fields.requireString(json, "event");
    Kind kind;
    try {
      kind = Kind.valueOf(event.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ValidationException("event", "unknown event '" + event + "'; one of working, completed, failed");
    }
    String reason = Fields.optionalString(json, "reason");
    if (kind == Kind.FAILED && (reason == null || reason.isBlank())) {
      reason = "no reason given";
    }
    return new TaskReport(Fields.requireString(json, "guid"), Fields.requireInt(json, "attempt"),
        Fields.requireString(json, "worker"), kind, json.getValue("result"), reason);
  }

  public JsonObject toJson() {
    return new JsonObject().put("guid", guid).put("attempt", attempt).put("worker", worker)
        .put("event", kind.name().toLowerCase(java.util.Locale.ROOT)).put("result", result).put("reason", reason);
  }
}
