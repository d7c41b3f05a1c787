package io.tef.protocol.worker;

import io.tef.protocol.Fields;

import io.tef.protocol.ValidationException;
import io.tef.protocol.json.IsoInstants;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * wokmanager's {@code POST /worker/state}: a worker outside the event bus says it started or
 * stopped, or leaves a message or an error in its history. {@code at} is "now" (or absent) or an
 * ISO-8601 instant.
 */
public record WorkerStateEvent(String id, String group, Kind event, Instant at, Object content) {

  public enum Kind {
    STARTED, STOPPED, MESSAGE, ERROR;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A worker id ends up in URLs and log lines: no spaces, slashes or control characters. */
  public static final String NAME_PATTERN = "[A-Za-z0-9_.:@-]{1,200}";
  /** A history entry is a line of text, not a payload: the record holds 50 of each kind. */
  public static final int MAX_CONTENT_CHARS = 4096;
  private static final java.util.Set<String> FIELDS = java.util.Set.of("id", "group", "event", "at", "content");

  public static WorkerStateEvent fromJson(JsonObject json) {
    for (String key : json.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw new ValidationException(key, "unknown field; an event has id, group, event, at, content");
      }
    }
    String id = Fields.requireString(json, "id");
    if (!id.matches(NAME_PATTERN)) {
      throw new ValidationException("id", "must be 1 to 200 characters of letters, digits and _ . : @ -, got '" + id + "'");
    }
    String group = Fields.optionalString(json, "group");
    if (group != null && !group.matches(NAME_PATTERN)) {
      throw new ValidationException("group", "must be 1 to 200 characters of letters, digits and _ . : @ - (like product.importer), got '" + group + "'");
    }
    Object e = json.getValue("event");
    if (!(e instanceof String name)) {
      throw new ValidationException("event", e == null ? "is required: started, stopped, message or error" : "must be a string: started, stopped, message or error");
    }
    Kind kind = switch (name) {
      case "started" -> Kind.STARTED;
      case "stopped" -> Kind.STOPPED;
      case "message" -> Kind.MESSAGE;
      case "error" -> Kind.ERROR;
      default -> throw new ValidationException("event", "must be started, stopped, message or error, got '" + name + "'");
    };
    Object content = json.getValue("content");
    if ((kind == Kind.MESSAGE || kind == Kind.ERROR) && content == null) {
      throw new ValidationException("content", "is required for a " + name + " event");
    }
    if (content != null) {
      io.tef.protocol.json.JsonLimits.DEFAULT.check(content, "content"); // depth and text first: encoding a deep value recurses
    }
    if (content != null && io.vertx.core.json.Json.encode(content).length() > MAX_CONTENT_CHARS) {
      throw new ValidationException("content", "must be at most " + MAX_CONTENT_CHARS + " characters of JSON");
    }
    return new WorkerStateEvent(id, group, kind, at(json.getValue("at")), content);
  }

  private static Instant at(Object at) {
    if (at == null || "now".equals(at)) {
      return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
    if (at instanceof String s) {
      try {
        Instant i = IsoInstants.parse(s);
        if (!i.isBefore(io.tef.protocol.task.RunAt.EARLIEST) && !i.isAfter(io.tef.protocol.task.RunAt.LATEST)) {
          return i.truncatedTo(ChronoUnit.MILLIS);
        }
      } catch (DateTimeParseException ignored) {
        // falls through to the error below
      }
    }
    throw new ValidationException("at", "must be \"now\" or an ISO-8601 instant like 2030-01-01T09:00:00Z between 1970 and 9999, got " + at);
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("group", group).put("event", event.wire()).put("at", at.toString()).put("content", content);
  }
}
