package io.tef.core.task;

import io.tef.protocol.ValidationException;
import io.tef.protocol.task.TaskState;

/** Filters for listing tasks; null means "any". */
public record TaskQuery(TaskState state, String taskType, String suiteGuid, int limit) {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  public TaskQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ValidationException("limit", "must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
  }

  /** Reads the filters from query parameters as strings, naming the one at fault. */
  public static TaskQuery parse(String state, String taskType, String suiteGuid, String limit) {
    TaskState s = null;
    if (state != null && !state.isEmpty()) {
      s = TaskState.fromWire(state);
      if (s == null) {
        throw new ValidationException("state", "unknown state '" + state + "'");
      }
    }
    return new TaskQuery(s, blankToNull(taskType), blankToNull(suiteGuid), parseLimit(limit));
  }

  /** A {@code limit} query parameter: absent or empty is {@link #DEFAULT_LIMIT}; the range is checked by who takes it. */
  public static int parseLimit(String limit) {
    if (limit == null || limit.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      return Integer.parseInt(limit);
    } catch (NumberFormatException e) {
      throw new ValidationException("limit", "must be a whole number, got '" + limit + "'");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
