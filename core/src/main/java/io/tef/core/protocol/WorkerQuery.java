package io.tef.core.protocol;

import io.tef.core.task.ValidationException;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * Which worker records to list: each filter is absent (any) or a pattern where {@code *} stands for
 * any run of characters ({@code product.*}, {@code *}); everything else matches itself.
 */
public record WorkerQuery(String id, String group, String taskType, String status) {

  public static WorkerQuery fromJson(JsonObject json) {
    return new WorkerQuery(pattern(json, "id"), pattern(json, "group"), pattern(json, "task_type"), pattern(json, "status"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("group", group).put("task_type", taskType).put("status", status);
  }

  public boolean matches(String name, String workerGroup, Collection<String> taskTypes, String workerStatus) {
    return matches(id, name) && matches(group, workerGroup) && matches(status, workerStatus)
        && (taskType == null || taskTypes.stream().anyMatch(t -> matches(taskType, t)));
  }

  /** A null pattern matches anything; a pattern never matches a missing value unless it is {@code *}. */
  static boolean matches(String pattern, String value) {
    if (pattern == null || "*".equals(pattern)) {
      return true;
    }
    if (value == null) {
      return false;
    }
    StringBuilder regex = new StringBuilder();
    for (String part : pattern.split("\\*", -1)) {
      if (regex.length() > 0) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(part));
    }
    // Pattern.quote("") is "\Q\E": the split leaves empty parts around a leading or trailing *.
    return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(value).matches();
  }

  private static String pattern(JsonObject json, String field) {
    String p = Fields.optionalString(json, field);
    if (p == null || p.isEmpty()) {
      return null;
    }
    if (p.length() > 200) {
      throw new ValidationException(field, "must be at most 200 characters");
    }
    return p;
  }
}
