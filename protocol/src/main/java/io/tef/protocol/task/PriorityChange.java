package io.tef.protocol.task;

import io.tef.protocol.Fields;
import io.tef.protocol.ValidationException;
import io.vertx.core.json.JsonObject;

/**
 * {@code {"guid", "priority"}} on {@link io.tef.protocol.Addresses#TASKS_PRIORITY}: the new
 * priority of a task that has not started (higher runs first among the due tasks of its type).
 */
public record PriorityChange(String guid, int priority) {

  public static PriorityChange fromJson(JsonObject json) {
    for (String key : json.fieldNames()) {
      if (!key.equals("guid") && !key.equals("priority")) {
        throw new ValidationException(key, "unknown field: a priority change has guid and priority");
      }
    }
    Object p = json.getValue("priority");
    if (p == null) {
      throw new ValidationException("priority", "is required");
    }
    if (!(p instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.doubleValue() > Integer.MAX_VALUE || n.doubleValue() < Integer.MIN_VALUE) {
      throw new ValidationException("priority", "must be a whole number, got " + p);
    }
    return new PriorityChange(Fields.requireString(json, "guid"), n.intValue());
  }

  public JsonObject toJson() {
    return new JsonObject().put("guid", guid).put("priority", priority);
  }
}
