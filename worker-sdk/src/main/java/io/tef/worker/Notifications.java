package io.tef.worker;

import io.tef.protocol.Addresses;
import io.tef.protocol.json.IsoInstants;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Qworker's worker:notification: every job start, progress, success, failure and log line is
 * published on {@code tef.events.notifications}, carrying the job attributes its task
 * definition names for that event (told to the worker at registration). Attribute names are
 * the task view's ({@code task_data.to}, {@code finished_at}); Agenda's names ({@code data},
 * {@code lastRunAt}, {@code nextRunAt}, {@code lastFinishedAt}) are understood too.
 */
final class Notifications {

  static final List<String> DEFAULT_ATTRIBUTES = List.of("task_data", "started_at", "run_at", "finished_at");
  private static final Map<String, String> AGENDA = Map.of("data", "task_data", "lastRunAt", "started_at",
      "nextRunAt", "run_at", "lastFinishedAt", "finished_at", "failReason", "fail_reason", "failCount", "fail_count");

  private final Vertx vertx;
  /** Task definitions by task type, as the registry last sent them. */
  private final Map<String, JsonObject> definitions = new HashMap<>();

  Notifications(Vertx vertx) {
    this.vertx = vertx;
  }

  void definitions(JsonObject byType) {
    if (byType != null) {
      byType.forEach(e -> {
        if (e.getValue() instanceof JsonObject d) {
          definitions.put(e.getKey(), d);
        }
      });
    }
  }

  /** {@code event}: start, progress, success, fail, or log:info / log:warn / log:error. */
  void publish(String worker, Job job, String event, JsonObject now, Object msg) {
    JsonObject attrs = new JsonObject();
    for (String path : attributesFor(job.taskType(), event.startsWith("log:") ? "log" : event)) {
      // What this event changed, else the task as dispatched; a copy of what is named, not of the whole task.
      Object v = select(now, job.task(), path);
      if (v != null) {
        attrs.put(path, v instanceof JsonObject o ? o.copy() : v instanceof JsonArray a ? a.copy() : v);
      }
    }
    JsonObject n = new JsonObject().put("worker_id", worker).put("source_type", "job").put("source_id", job.guid())
        .put("type", event).put("triggered_at", IsoInstants.format(Instant.now())).put("task_id", job.taskType())
        .put("attempt", job.attempt()).put("job", attrs);
    if (msg != null) {
      n.put("msg", msg);
    }
    vertx.eventBus().publish(Addresses.EVENTS_NOTIFICATIONS, n);
  }

  private List<String> attributesFor(String taskType, String event) {
    JsonObject d = definitions.get(taskType);
    if (d == null) {
      return "progress".equals(event) ? List.of() : DEFAULT_ATTRIBUTES;
    }
    JsonArray own = d.getJsonArray("job_" + event + "_attributes");
    JsonArray all = own != null ? own : d.getJsonArray("job_attributes");
    return all == null ? DEFAULT_ATTRIBUTES : all.stream().map(String::valueOf).toList();
  }

  /** A dotted path into the event's fields, else into the task view; the first part may be one of Agenda's names. */
  private static Object select(JsonObject now, JsonObject task, String path) {
    String[] parts = path.indexOf('.') < 0 ? new String[] {path} : path.split("\\.");
    String top = AGENDA.getOrDefault(parts[0], parts[0]);
    Object v = now.containsKey(top) ? now.getValue(top) : task.getValue(top);
    for (int i = 1; i < parts.length && v != null; i++) {
      v = v instanceof JsonObject o ? o.getValue(parts[i]) : null;
    }
    return v;
  }
}
