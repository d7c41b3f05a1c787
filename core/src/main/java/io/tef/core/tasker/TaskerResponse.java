package io.tef.core.tasker;

import io.tef.protocol.ValidationException;
import io.vertx.core.json.JsonObject;

/**
 * What an endpoint reports for a task: {@code CREATED} when it received it, {@code FINISHED}
 * when done, with its {@code payload} and, on failure, {@code errnr} (non-zero) and {@code errmsg}.
 */
public record TaskerResponse(String taskId, String endpoint, String status, int errnr, String errmsg, Object payload) {

  public static final String CREATED = "CREATED";
  public static final String FINISHED = "FINISHED";

  public static TaskerResponse parse(JsonObject body) {
    if (body == null) {
      throw new ValidationException(null, "a tasker response is a JSON object {\"task_id\", \"endpoint\", \"status\": \"CREATED\"|\"FINISHED\", ...}");
    }
    if (!(body.getValue("task_id") instanceof String taskId) || taskId.isBlank()) {
      throw new ValidationException("task_id", "task_id is required: the id of the task answered");
    }
    if (!(body.getValue("endpoint") instanceof String endpoint) || endpoint.isBlank()) {
      throw new ValidationException("endpoint", "endpoint is required: the answering endpoint's name");
    }
    if (endpoint.length() > 200 || taskId.length() > 200) {
      throw new ValidationException(taskId.length() > 200 ? "task_id" : "endpoint", "must be at most 200 characters");
    }
    io.tef.protocol.json.JsonLimits.DEFAULT.check(body.getValue("payload"), "payload");
    Object status = body.getValue("status");
    if (!CREATED.equals(status) && !FINISHED.equals(status)) {
      throw new ValidationException("status", "status must be CREATED or FINISHED, got " + status);
    }
    Object errnr = body.getValue("errnr", 0);
    if (!(errnr instanceof Number n) || n.doubleValue() != n.intValue()) {
      throw new ValidationException("errnr", "errnr must be an integer, got " + errnr);
    }
    Object errmsg = body.getValue("errmsg");
    if (errmsg != null && !(errmsg instanceof String)) {
      throw new ValidationException("errmsg", "errmsg must be a string, got " + errmsg);
    }
    return new TaskerResponse(taskId, endpoint, (String) status, n.intValue(), (String) errmsg, body.getValue("payload"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("task_id", taskId).put("endpoint", endpoint).put("status", status)
        .put("errnr", errnr).put("errmsg", errmsg).put("payload", payload);
  }
}
