package io.tef.core.store;

import io.tef.protocol.Fields;
import io.tef.protocol.worker.ResultsQuery;
import io.tef.protocol.task.ResultPosition;
import io.tef.protocol.ValidationException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How far a keeper has handled the results of its task types: every result at or before
 * {@code position} has been handled. One per keeper name, in the {@code keepers} collection.
 */
public record KeeperCheckpoint(String keeper, List<String> taskTypes, ResultPosition position, Instant updatedAt) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");

  public KeeperCheckpoint {
    taskTypes = List.copyOf(taskTypes);
  }

  /** A keeper's name, checked: the same characters as a task type. */
  public static String keeperName(JsonObject json) {
    String name = Fields.requireString(json, "keeper");
    if (!NAME.matcher(name).matches()) {
      throw new ValidationException("keeper", "must be 1 to 200 characters of letters, digits and _ . : -");
    }
    return name;
  }

  /** The wire shape: {@code {"keeper", "task_types", "finished_at", "guid", "updated_at"}}. */
  public JsonObject toJson() {
    return ResultsQuery.positionJson(position)
        .put("keeper", keeper)
        .put("task_types", new JsonArray(new ArrayList<>(taskTypes)))
        .put("updated_at", updatedAt == null ? null : updatedAt.toString());
  }

  /** A save request's checkpoint; {@code updated_at} is set by whoever stores it. */
  public static KeeperCheckpoint fromJson(JsonObject json) {
    String keeper = keeperName(json);
    List<String> types = Fields.stringList(json, "task_types");
    if (types.isEmpty()) {
      throw new ValidationException("task_types", "must name at least one task type");
    }
    return new KeeperCheckpoint(keeper, types, ResultsQuery.position(json, ""), null);
  }
}
