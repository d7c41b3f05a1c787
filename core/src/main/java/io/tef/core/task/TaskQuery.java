package io.tef.core.task;

import io.tef.protocol.ValidationException;
import io.tef.protocol.json.IsoInstants;
import io.tef.protocol.task.TaskState;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Filters for listing tasks, newest first; null means "any". {@code guidContains} is text the
 * guid holds (as typed, no pattern); {@code before} continues a list after the last task of a
 * previous page ({@link #cursor(Task)}), so pages never skip or repeat a task.
 */
public record TaskQuery(TaskState state, String taskType, String suiteGuid, String worker, String guidContains, Cursor before, int limit) {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;
  static final int MAX_TEXT = 200;

  /** Where a page ended: the last task's creation time and guid (the list's order). */
  public record Cursor(Instant createdAt, String guid) {

    /** {@code <created_at ISO-8601>~<guid>}, as the answer's {@code next} gives it. */
    public String wire() {
      return createdAt + "~" + guid;
    }

    public static Cursor parse(String s) {
      int cut = s.indexOf('~');
      if (cut <= 0 || cut == s.length() - 1) {
        throw new ValidationException("before", "must be the 'next' of a previous page (<created_at>~<guid>), got '" + s + "'");
      }
      try {
        return new Cursor(IsoInstants.parse(s.substring(0, cut)), s.substring(cut + 1));
      } catch (DateTimeParseException e) {
        throw new ValidationException("before", "must start with an ISO-8601 time (the 'next' of a previous page), got '" + s + "'");
      }
    }
  }

  public TaskQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ValidationException("limit", "must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    if (guidContains != null && guidContains.length() > MAX_TEXT) {
      throw new ValidationException("guid_contains", "must be at most " + MAX_TEXT + " characters, got " + guidContains.length());
    }
  }

  public TaskQuery(TaskState state, String taskType, String suiteGuid, int limit) {
    this(state, taskType, suiteGuid, null, null, null, limit);
  }

  /** The cursor a page ending with this task hands on. */
  public static Cursor cursor(Task last) {
    return new Cursor(last.createdAt(), last.guid());
  }

  /** Reads the filters from query parameters as strings, naming the one at fault. */
  public static TaskQuery parse(String state, String taskType, String suiteGuid, String limit) {
    return parse(state, taskType, suiteGuid, null, null, null, limit);
  }

  /** As {@link #parse(String, String, String, String)}, with the worker, guid text and page cursor. */
  public static TaskQuery parse(String state, String taskType, String suiteGuid, String worker, String guidContains, String before, String limit) {
    TaskState s = null;
    if (state != null && !state.isEmpty()) {
      s = TaskState.fromWire(state);
      if (s == null) {
        throw new ValidationException("state", "unknown state '" + state + "'");
      }
    }
    String cursor = blankToNull(before);
    return new TaskQuery(s, blankToNull(taskType), blankToNull(suiteGuid), blankToNull(worker), blankToNull(guidContains),
        cursor == null ? null : Cursor.parse(cursor), parseLimit(limit));
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
