package io.tef.protocol.task;

import io.tef.protocol.ValidationException;

import io.tef.protocol.json.JsonLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A TEF envelope that passed validation. {@link #parse} is the one mapping from wire JSON to a task
 * request; REST, the event bus and AMQP all go through it. {@code extra} holds fields TEF does not
 * read, kept on the task as they came: the AMQP door moves a TEF client's unknown fields there
 * ({@link #keepingUnknownFields}), where every other door refuses them.
 */
public record TaskEnvelope(String guid, String taskType, int priority, List<String> resources,
                           int timeLimit, int maxAttempts, Object taskData, String suiteGuid, Object runAt,
                           Repeat repeat, boolean keyed, JsonObject extra) {

  private static final Set<String> FIELDS = Set.of("type", "task_type", "guid", "priority", "resources",
      "time_limit", "max_attempts", "task_data", "suite_guid", "run_at", "repeat_every", "repeat_timezone", "unique", "extra");
  /** Task types and resource names become parts of addresses and queue names, so keep them plain. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");
  /**
   * A guid is part of URLs, headers, AMQP properties and log lines, so it is kept to characters
   * that need no escaping anywhere; "." and ".." alone are path segments, never ids.
   */
  private static final Pattern GUID = Pattern.compile("[A-Za-z0-9_.:@+=~-]{1,200}");
  static final String GUID_RULE = "must be 1 to 200 characters of letters, digits and _ . : @ + = ~ -, and not . or ..";

  public static TaskEnvelope parse(JsonObject json, TaskDefaults defaults) {
    return parse(json, defaults, JsonLimits.DEFAULT);
  }

  /** Checks the envelope against {@code limits} too, whichever door it came through. */
  public static TaskEnvelope parse(JsonObject json, TaskDefaults defaults, JsonLimits limits) {
    if (json == null) {
      throw new ValidationException(null, "the body must be a JSON object");
    }
    limits.check(json, null);
    for (String key : json.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw new ValidationException(key, "unknown field '" + key + "'; a task envelope has " + String.join(", ", FIELDS.stream().sorted().toList())
            + " (fields of your own go inside extra)");
      }
    }
    Object type = json.getValue("type");
    if (type != null && !"task".equals(type)) {
      throw new ValidationException("type", "must be \"task\" for a task envelope");
    }
    String taskType = name(json, "task_type", true);
    String guid = guid(json, "guid");
    String suiteGuid = guid(json, "suite_guid");
    int priority = integer(json, "priority", defaults.priority(), Integer.MIN_VALUE);
    int timeLimit = integer(json, "time_limit", defaults.timeLimitSeconds(), 1);
    int maxAttempts = integer(json, "max_attempts", defaults.maxAttempts(), 1);
    Object runAt = json.getValue("run_at");
    RunAt.parse(runAt, java.time.Instant.EPOCH, "run_at"); // checked now; resolved against the clock on acceptance
    Repeat repeat = Repeat.parse(json.getValue("repeat_every"), json.getValue("repeat_timezone"));
    Object unique = json.getValue("unique");
    boolean keyed = false;
    if (unique != null) {
      if (guid != null) {
        throw new ValidationException("unique", "give guid or unique, not both: a unique key chooses the guid");
      }
      guid = "unique:" + sha256(taskType + "\n" + canonical(unique, "unique"));
      keyed = true;
    } else if (repeat != null && guid == null) {
      // Agenda's "single": one document per repeating task type unless a unique key says otherwise.
      guid = "single:" + taskType;
      keyed = true;
    }
    Object extra = json.getValue("extra");
    if (extra != null && !(extra instanceof JsonObject)) {
      throw new ValidationException("extra", "must be a JSON object of fields kept with the task");
    }
    List<String> resources = json.getValue("resources") == null ? defaults.resources() : resources(json.getValue("resources"), "resources");
    return new TaskEnvelope(guid, taskType, priority, resources, timeLimit, maxAttempts,
        json.getValue("task_data"), suiteGuid, runAt, repeat, keyed, extra == null ? null : (JsonObject) extra);
  }

  /**
   * TEF's manager stored what it knew of an envelope and ignored the rest (its own specs send a
   * {@code data} field). For that door: a copy with every field an envelope does not have moved into
   * {@code extra}, beside what an {@code extra} object of the message holds; a field given both ways
   * is refused naming it. Nothing else changes, so the envelope is then read as at every door.
   */
  public static JsonObject keepingUnknownFields(JsonObject json) {
    JsonObject out = new JsonObject();
    JsonObject unknown = new JsonObject();
    json.forEach(e -> (FIELDS.contains(e.getKey()) ? out : unknown).put(e.getKey(), e.getValue()));
    if (unknown.isEmpty()) {
      return json;
    }
    Object given = out.getValue("extra");
    if (given != null && !(given instanceof JsonObject)) {
      return json.copy(); // parse refuses it, naming extra
    }
    JsonObject extra = given == null ? new JsonObject() : ((JsonObject) given).copy();
    for (String key : unknown.fieldNames()) {
      if (extra.containsKey(key)) {
        throw new ValidationException("extra." + key, "given both as a field of the envelope and inside extra");
      }
      extra.put(key, unknown.getValue(key));
    }
    return out.put("extra", extra);
  }

  /** The unique key as one string, the same whatever the order of an object's fields. */
  private static String canonical(Object v, String field) {
    if (v instanceof JsonObject o) {
      if (o.isEmpty()) {
        throw new ValidationException(field, "must not be empty");
      }
      StringBuilder b = new StringBuilder("{");
      new java.util.TreeSet<>(o.fieldNames()).forEach(k -> b.append(io.vertx.core.json.Json.encode(k)).append(':').append(canonical(o.getValue(k), field)).append(','));
      return b.append('}').toString();
    }
    if (v instanceof JsonArray a) {
      StringBuilder b = new StringBuilder("[");
      a.forEach(item -> b.append(canonical(item, field)).append(','));
      return b.append(']').toString();
    }
    if (v instanceof String s && s.isBlank()) {
      throw new ValidationException(field, "must not be blank");
    }
    return io.vertx.core.json.Json.encode(v);
  }

  private static String sha256(String s) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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

  /** A guid as {@link #GUID} allows, or null when the field is absent. */
  public static String guid(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new ValidationException(field, "must be a string");
    }
    if (!validGuid(s)) {
      throw new ValidationException(field, GUID_RULE);
    }
    return s;
  }

  public static boolean validGuid(String s) {
    return s != null && GUID.matcher(s).matches() && !s.equals(".") && !s.equals("..");
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

  /** TEF's pipe-delimited string ("db|printer") or a JSON list of names; errors name {@code field}. */
  public static List<String> resources(Object v, String field) {
    List<String> names = new ArrayList<>();
    if (v == null) {
      return names;
    }
    if (v instanceof String s) {
      for (String part : s.split("\\|")) {
        addResource(names, part.strip(), field);
      }
    } else if (v instanceof JsonArray array) {
      for (Object item : array) {
        if (!(item instanceof String s)) {
          throw new ValidationException(field, "must be a string \"a|b\" or a list of strings");
        }
        addResource(names, s.strip(), field);
      }
    } else {
      throw new ValidationException(field, "must be a string \"a|b\" or a list of strings");
    }
    return List.copyOf(names);
  }

  private static void addResource(List<String> names, String name, String field) {
    if (name.isEmpty()) {
      return;
    }
    if (!NAME.matcher(name).matches()) {
      throw new ValidationException(field, "resource name '" + name + "' must be 1 to 200 characters of letters, digits and _ . : -");
    }
    if (!names.contains(name)) {
      names.add(name);
    }
  }
}
