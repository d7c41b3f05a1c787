package io.tef.protocol.worker;

import io.tef.protocol.Fields;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * A worker introducing itself (Qworker's worker:initialize): its unique name, the instance id
 * that tells a restarted worker from the old one, the task types it runs, where it is, the
 * ping interval it asks for (0: the node's), the task it is running when it registers again,
 * whether it takes {@code abandon} messages ({@code takes_abandon}; a worker that does not is
 * never sent one), and optionally wokmanager's {@code group} ({@code product.importer}) and
 * TEF's {@code worker_type}.
 */
public record WorkerRegistration(String name, String instance, List<String> taskTypes, String host, long pid,
                                 long pingIntervalMs, String group, String workerType,
                                 String runningTask, int runningAttempt, boolean takesAbandon) {

  /** The shortest ping interval a worker may ask for. */
  public static final long MIN_PING_MS = 100;
  /** The longest: a worker silent for twice as long is offline, so its task waits at most two hours. */
  public static final long MAX_PING_MS = 3_600_000;

  /** The shape callers used before the ping interval, group and worker_type existed. */
  public WorkerRegistration(String name, String instance, List<String> taskTypes, String host, long pid) {
    this(name, instance, taskTypes, host, pid, 0, null, null, null, 0, false);
  }

  public static WorkerRegistration fromJson(JsonObject json) {
    List<String> types = WorkerIdentity.taskTypes("task_types", Fields.stringList(json, "task_types"));
    if (types.isEmpty()) {
      throw new io.tef.protocol.ValidationException("task_types", "must name at least one task type");
    }
    Object pid = json.getValue("pid");
    return new WorkerRegistration(WorkerIdentity.token("name", Fields.requireString(json, "name")),
        WorkerIdentity.token("instance", Fields.requireString(json, "instance")),
        types, Fields.optionalString(json, "host"), pid instanceof Number n ? n.longValue() : -1,
        pingInterval(json),
        Fields.optionalString(json, "group"), WorkerIdentity.taskType("worker_type", Fields.optionalString(json, "worker_type")),
        Fields.optionalString(json, "task"), json.getValue("attempt") instanceof Number a ? a.intValue() : 0,
        takesAbandon(json));
  }

  /**
   * The {@code ping_interval_ms} a registration or a worker_status announces: whole
   * milliseconds, {@value #MIN_PING_MS} to {@value #MAX_PING_MS}; 0 when it announces none.
   */
  public static long pingInterval(JsonObject json) {
    Object ping = json.getValue("ping_interval_ms");
    if (ping == null) {
      return 0;
    }
    if (!(ping instanceof Number p) || p.doubleValue() != Math.rint(p.doubleValue()) || p.longValue() < MIN_PING_MS || p.longValue() > MAX_PING_MS) {
      throw new io.tef.protocol.ValidationException("ping_interval_ms", "must be a whole number of milliseconds from " + MIN_PING_MS
          + " to " + MAX_PING_MS + ", got " + ping);
    }
    return p.longValue();
  }

  /** {@code takes_abandon}: true when the worker drops a task told {@code {"type": "abandon"}}; absent: false. */
  public static boolean takesAbandon(JsonObject json) {
    Object v = json.getValue("takes_abandon");
    if (v != null && !(v instanceof Boolean)) {
      throw new io.tef.protocol.ValidationException("takes_abandon", "must be true or false, got " + v);
    }
    return Boolean.TRUE.equals(v);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", name).put("instance", instance)
        .put("task_types", new JsonArray(new ArrayList<>(taskTypes))).put("host", host).put("pid", pid);
    // Left out when absent, so older readers see the message they knew.
    if (pingIntervalMs > 0) {
      json.put("ping_interval_ms", pingIntervalMs);
    }
    if (group != null) {
      json.put("group", group);
    }
    if (workerType != null) {
      json.put("worker_type", workerType);
    }
    if (takesAbandon) {
      json.put("takes_abandon", true);
    }
    // A worker that registers again (its node came back) says which task it is still running.
    if (runningTask != null) {
      json.put("task", runningTask).put("attempt", runningAttempt);
    }
    return json;
  }
}
