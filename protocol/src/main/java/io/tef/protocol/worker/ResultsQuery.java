package io.tef.protocol.worker;

import io.tef.protocol.Fields;

import io.tef.protocol.json.IsoInstants;
import io.tef.protocol.task.ResultPosition;
import io.tef.protocol.ValidationException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A keeper asking for the results it missed, on {@code tef.keepers.results}:
 * {@code {"task_types": ["email"], "after": {"finished_at": "2030-01-01T09:00:00Z", "guid": "g"}, "limit": 500}}.
 * Without {@code after} the results start at the oldest. The reply is {@code {"results": [task views]}},
 * oldest first; fewer than {@code limit} means there are no more.
 */
public record ResultsQuery(List<String> taskTypes, ResultPosition after, int limit) {

  public static final int MAX_LIMIT = 1000;

  public ResultsQuery {
    taskTypes = List.copyOf(taskTypes);
  }

  public static ResultsQuery fromJson(JsonObject json) {
    List<String> types = Fields.stringList(json, "task_types");
    if (types.isEmpty()) {
      throw new ValidationException("task_types", "must name at least one task type");
    }
    Object after = json.getValue("after");
    if (after != null && !(after instanceof JsonObject)) {
      throw new ValidationException("after", "must be an object {\"finished_at\", \"guid\"}");
    }
    int limit = Fields.requireInt(json, "limit");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ValidationException("limit", "must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    return new ResultsQuery(types, after == null ? null : position((JsonObject) after, "after."), limit);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("task_types", new JsonArray(new ArrayList<>(taskTypes)))
        .put("after", after == null ? null : positionJson(after))
        .put("limit", limit);
  }

  /**
   * {@code {"finished_at", "guid"}}; an empty guid stands before every task of that millisecond.
   * {@code prefix} names the enclosing field in errors.
   */
  public static ResultPosition position(JsonObject json, String prefix) {
    String at;
    String guid;
    try {
      at = Fields.requireString(json, "finished_at");
      guid = Fields.optionalString(json, "guid"); // "" is the start of that millisecond
      if (guid == null) {
        throw new ValidationException("guid", "is required");
      }
    } catch (ValidationException e) {
      throw new ValidationException(prefix + e.field(), e.getMessage());
    }
    try {
      return new ResultPosition(IsoInstants.parse(at), guid);
    } catch (DateTimeParseException e) {
      throw new ValidationException(prefix + "finished_at", "must be an ISO-8601 instant, got " + at);
    }
  }

  public static JsonObject positionJson(ResultPosition p) {
    return new JsonObject().put("finished_at", p.finishedAt().toString()).put("guid", p.guid());
  }
}
