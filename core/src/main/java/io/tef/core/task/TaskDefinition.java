package io.tef.core.task;

import io.tef.protocol.task.TaskDefaults;
import io.tef.protocol.task.TaskEnvelope;

import io.tef.protocol.ValidationException;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a task type is (Qworker's task metadata): its id (= task_type), a name and description,
 * the job attributes its notifications carry, and the priority, time limit and attempts its
 * tasks get when their envelope leaves them out, and the resources they hold then. The registry admits a worker only for task
 * types that have one. {@code rpc}: the Task Engine's ZeroMQ door may call it (a whitelist, off by default).
 */
public record TaskDefinition(String id, String name, String description, List<String> jobAttributes,
                             Map<String, List<String>> eventAttributes, Integer priority, Integer timeLimit,
                             Integer maxAttempts, Boolean rpc, List<String> resources) {

  /** Qworker's default notification attributes, in TEF's task view names. */
  public static final List<String> DEFAULT_JOB_ATTRIBUTES = List.of("task_data", "started_at", "run_at", "finished_at");
  /** The notification events a definition may give attributes of its own. */
  public static final Set<String> EVENTS = Set.of("start", "progress", "success", "fail");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");
  private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*");
  private static final Set<String> FIELDS = Set.of("id", "name", "description", "job_attributes", "job_start_attributes",
      "job_progress_attributes", "job_success_attributes", "job_fail_attributes", "priority", "time_limit", "max_attempts", "rpc", "resources");

  public TaskDefinition {
    jobAttributes = List.copyOf(jobAttributes);
    eventAttributes = Map.copyOf(eventAttributes);
    resources = resources == null ? null : List.copyOf(resources);
  }

  /** A definition made for a task type a worker brought along (registry.auto_define). */
  public static TaskDefinition minimal(String id) {
    return new TaskDefinition(id, id, null, DEFAULT_JOB_ATTRIBUTES, Map.of(), null, null, null, null, null);
  }

  /** Whether the ZeroMQ door may call this type. */
  public boolean callable() {
    return Boolean.TRUE.equals(rpc);
  }

  /** The attributes a notification of this event carries. */
  public List<String> attributesFor(String event) {
    return eventAttributes.getOrDefault(event, jobAttributes);
  }

  public TaskDefaults defaults(TaskDefaults fallback) {
    return new TaskDefaults(priority != null ? priority : fallback.priority(),
        timeLimit != null ? timeLimit : fallback.timeLimitSeconds(), maxAttempts != null ? maxAttempts : fallback.maxAttempts(),
        resources != null ? resources : fallback.resources());
  }

  /** Validates a definition from REST, the event bus or config; {@code where} prefixes field names in errors. */
  public static TaskDefinition parse(String id, JsonObject json, String where) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new ValidationException(where + "id", "must be 1 to 200 characters of letters, digits and _ . : -");
    }
    if (json == null) {
      throw new ValidationException(where.isEmpty() ? null : where.substring(0, where.length() - 1), "must be a JSON object");
    }
    for (String key : json.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw new ValidationException(where + key, "unknown field; a task definition has " + String.join(", ", FIELDS.stream().sorted().toList()));
      }
    }
    if (json.getValue("id") != null && !id.equals(json.getValue("id"))) {
      throw new ValidationException(where + "id", "'" + json.getValue("id") + "' differs from the id in the path '" + id + "'");
    }
    String name = text(json, "name", where, id);
    String description = text(json, "description", where, null);
    List<String> attrs = attributes(json, "job_attributes", where);
    Map<String, List<String>> perEvent = new java.util.HashMap<>();
    for (String event : EVENTS) {
      List<String> a = attributes(json, "job_" + event + "_attributes", where);
      if (a != null) {
        perEvent.put(event, a);
      }
    }
    return new TaskDefinition(id, name, description, attrs == null ? DEFAULT_JOB_ATTRIBUTES : attrs, perEvent,
        number(json, "priority", where, Integer.MIN_VALUE), number(json, "time_limit", where, 1), number(json, "max_attempts", where, 1),
        flag(json, "rpc", where), json.getValue("resources") == null ? null : TaskEnvelope.resources(json.getValue("resources"), where + "resources"));
  }

  private static Boolean flag(JsonObject json, String field, String where) {
    Object v = json.getValue(field);
    if (v != null && !(v instanceof Boolean)) {
      throw new ValidationException(where + field, "must be true or false, got " + v);
    }
    return (Boolean) v;
  }

  private static String text(JsonObject json, String field, String where, String fallback) {
    Object v = json.getValue(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof String s) || s.length() > 2000) {
      throw new ValidationException(where + field, "must be a string of at most 2000 characters");
    }
    return s;
  }

  private static List<String> attributes(JsonObject json, String field, String where) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonArray a)) {
      throw new ValidationException(where + field, "must be a list of attribute names like \"task_data.to\"");
    }
    List<String> out = new ArrayList<>();
    for (Object o : a) {
      if (!(o instanceof String s) || !ATTRIBUTE.matcher(s).matches()) {
        throw new ValidationException(where + field, "must be a list of attribute names like \"task_data.to\", got " + o);
      }
      out.add(s);
    }
    return out;
  }

  private static Integer number(JsonObject json, String field, String where, int min) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Integer n) || n < min) {
      throw new ValidationException(where + field, "must be a whole number of at least " + min + ", got " + v);
    }
    return n;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("name", name).put("description", description)
        .put("job_attributes", new JsonArray(new ArrayList<>(jobAttributes)))
        .put("priority", priority).put("time_limit", timeLimit).put("max_attempts", maxAttempts).put("rpc", rpc)
        .put("resources", resources == null ? null : new JsonArray(new ArrayList<>(resources)));
    eventAttributes.forEach((event, attrs) -> json.put("job_" + event + "_attributes", new JsonArray(new ArrayList<>(attrs))));
    json.getMap().values().removeIf(java.util.Objects::isNull);
    return json;
  }

  public static TaskDefinition fromJson(JsonObject json) {
    return parse(json.getString("id"), json, "");
  }
}
