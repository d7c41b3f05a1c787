package io.tef.core.tasker;

import io.tef.protocol.ValidationException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A customer's tasker request ({@code POST /<type>}): {@code identifier} (required, the
 * customer's own id, not unique), {@code payload} (optional, any JSON), {@code endpoints}
 * (optional names of endpoints that must receive the task).
 */
public record TaskerRequest(String type, String identifier, Object payload, List<String> endpoints) {

  private static final int MAX_NAME = 200;

  /** Reads a request body, naming the field at fault. */
  public static TaskerRequest parse(String type, JsonObject body) {
    if (body == null) {
      throw new ValidationException(null, "the body must be a JSON object like {\"identifier\": \"e7bd91d0\", \"payload\": {...}, \"endpoints\": [\"lb-1\"]}");
    }
    if (!(body.getValue("identifier") instanceof String identifier) || identifier.isBlank()) {
      throw new ValidationException("identifier", "identifier is required: a non-empty string, got " + body.getValue("identifier"));
    }
    if (identifier.length() > MAX_NAME) {
      throw new ValidationException("identifier", "identifier must be at most " + MAX_NAME + " characters");
    }
    List<String> endpoints = new ArrayList<>();
    Object listed = body.getValue("endpoints");
    if (listed != null && !(listed instanceof JsonArray)) {
      throw new ValidationException("endpoints", "endpoints must be a list of endpoint names, got " + listed);
    }
    if (listed instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        if (!(a.getValue(i) instanceof String e) || e.isBlank() || e.length() > MAX_NAME) {
          throw new ValidationException("endpoints", "endpoints[" + i + "] must be an endpoint name (a non-empty string), got " + a.getValue(i));
        }
      }
      // The same endpoint twice waits for it once.
      a.forEach(e -> endpoints.add((String) e));
    }
    io.tef.protocol.json.JsonLimits.DEFAULT.check(body.getValue("payload"), "payload"); // the event bus reaches here unread by StrictJson
    return new TaskerRequest(type, identifier, body.getValue("payload"), List.copyOf(new LinkedHashSet<>(endpoints)));
  }

  /** The event-bus message {@code tef.tasker.submit} carries. */
  public JsonObject toJson() {
    return new JsonObject().put("type", type).put("identifier", identifier).put("payload", payload)
        .put("endpoints", new JsonArray(new ArrayList<>(endpoints)));
  }

  public static TaskerRequest fromJson(JsonObject json) {
    Object type = json == null ? null : json.getValue("type");
    if (!(type instanceof String t) || t.isBlank()) {
      throw new ValidationException("type", "type is required: the tasker task type");
    }
    return parse(t, json);
  }
}
