package io.tef.core.task;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A TEF envelope that passed validation. {@link #parse} is the one mapping from wire JSON to a task
 * request; REST, the event bus and AMQP all go through it.
 */
public record TaskEnvelope(String guid, String taskType, int priority, List<String> resources,
                           int timeLimit, int maxAttempts, Object taskData, String suiteGuid, Object runAt) {

  private static final Set<String> FIELDS = Set.of("type", "task_type", "guid", "priority", "resources",
      "time_limit", "max_attempts", "task_data", "suite_guid", "run_at");
  /** Task types and resource names become parts of addresses and queue names, so keep them plain. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");
  private static final int MAX_GUID_LENGTH = 200;

  public static TaskEnvelope parse(JsonObject json, TaskDefaults defaults) {
    if (json == null) {
      throw new ValidationException(null, "the body must be a JSON object");
    }
    for (String key : json.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw new ValidationException(key, "unknown field '" + key + "'; a task envelope has " + String.join(", ", FIELDS.stream().sorted().toList()));
      }
    }
    Object type = json.getValue("type");
    if (type != null && !"task".equals(type)) {
      throw new ValidationException("type", "must be \"task\" for a task envelope");
    }
    String taskType = name(json, "task_type", true);
    String guid = string(json, "guid", MAX_GUID_LENGTH);
    String suiteGuid = string(json, "suite_guid", MAX_GUID_LENGTH);
    int priority = integer(json, "priority", defaults.priority(), Integer.MIN_VALUE);
    int timeLimit = integer(json, "time_limit", defaults.timeLimitSeconds(), 1);
    int maxAttempts = integer(json, "max_attempts", defaults.maxAttempts(), 1);
    Object runAt = json.getValue("run_at");
    RunAt.parse(runAt, java.time.Instant.EPOCH, "run_at"); // checked now; resolved against the clock on acceptance
    return new TaskEnvelope(guid, taskType, priority, resources(json), timeLimit, maxAttempts,
        json.getValue("task_data"), suiteGuid, runAt);
  }

  private static String name(JsonObject json, String field, boolean required) {
    Object v = json.getValue(field);
    if (v == null) {
      if (required) {
        throw new ValidationException(field, "is required");
      }
      return null;
    }
    if (!(v instanceof String s)) {
      throw new ValidationException(field, "must be a string");
    }
    if (!NAME.matcher(s).matches()) {
      throw new ValidationException(field, "must be 1 to 200 characters of letters, digits and _ . : -");
    }
    return s;
  }

  private static String string(JsonObject json, String field, int maxLength) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new ValidationException(field, "must be a string");
    }
    if (s.isBlank() || s.length() > maxLength) {
      throw new ValidationException(field, "must be a non-blank string of at most " + maxLength + " characters");
    }
    return s;
  }

  private static int integer(JsonObject json, String field, int fallback, int min) {
    Object v = json.getValue(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.doubleValue() > Integer.MAX_VALUE || n.doubleValue() < Integer.MIN_VALUE) {
      throw new ValidationException(field, "must be a whole number, got " + json.getValue(field));
    }
    int i = n.intValue();
    if (i < min) {
      throw new ValidationException(field, "must be at least " + min + ", got " + i);
    }
    return i;
  }

  /** TEF's pipe-delimited string ("db|printer") or a JSON list of names. */
  private static List<String> resources(JsonObject json) {
    Object v = json.getValue("resources");
    List<String> names = new ArrayList<>();
    if (v == null) {
      return names;
    }
    if (v instanceof String s) {
      for (String part : s.split("\\|")) {
        addResource(names, part.trim());
      }
    } else if (v instanceof JsonArray array) {
      for (Object item : array) {
        if (!(item instanceof String s)) {
          throw new ValidationException("resources", "must be a string \"a|b\" or a list of strings");
        }
        addResource(names, s.trim());
      }
    } else {
      throw new ValidationException("resources", "must be a string \"a|b\" or a list of strings");
    }
    return List.copyOf(names);
  }

  private static void addResource(List<String> names, String name) {
    if (name.isEmpty()) {
      return;
    }
    if (!NAME.matcher(name).matches()) {
      throw new ValidationException("resources", "resource name '" + name + "' must be 1 to 200 characters of letters, digits and _ . : -");
    }
    if (!names.contains(name)) {
      names.add(name);
    }
  }
}
