package io.tef.protocol.worker;

import io.tef.protocol.Fields;

import io.tef.protocol.ValidationException;
import io.vertx.core.json.JsonObject;

import java.util.Collection;

/**
 * Which worker records to list: each filter is absent (any) or a pattern where {@code *} stands for
 * any run of characters ({@code product.*}, {@code *}); everything else matches itself. The
 * patterns are read once per query, not once per worker.
 */
public record WorkerQuery(Glob id, Glob group, Glob taskType, Glob status) {

  public static WorkerQuery fromJson(JsonObject json) {
    return new WorkerQuery(pattern(json, "id"), pattern(json, "group"), pattern(json, "task_type"), pattern(json, "status"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", text(id)).put("group", text(group)).put("task_type", text(taskType)).put("status", text(status));
  }

  public boolean matches(String name, String workerGroup, Collection<String> taskTypes, String workerStatus) {
    return matches(id, name) && matches(group, workerGroup) && matches(status, workerStatus)
        && (taskType == null || taskTypes.stream().anyMatch(taskType::matches));
  }

  /** No filter matches anything; a pattern never matches a missing value unless it is {@code *}. */
  private static boolean matches(Glob pattern, String value) {
    return pattern == null || pattern.matches(value);
  }

  private static String text(Glob pattern) {
    return pattern == null ? null : pattern.pattern();
  }

  private static Glob pattern(JsonObject json, String field) {
    String p = Fields.optionalString(json, field);
    if (p == null || p.isEmpty()) {
      return null;
    }
    if (p.length() > 200) {
      throw new ValidationException(field, "must be at most 200 characters");
    }
    return new Glob(p);
  }
}
