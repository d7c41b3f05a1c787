package io.tef.core.task;

import io.tef.protocol.json.IsoInstants;
import io.tef.protocol.task.Repeat;
import io.tef.protocol.task.TaskState;

import io.tef.core.json.StoredJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The two JSON shapes of a task: the store document (Agenda's field names, BSON dates) and the
 * view every door shows (the envelope's snake_case).
 */
public final class TaskJson {

  /** Room for a document's or a view's fields (about 30) without the map growing twice on the way. */
  private static final int FIELDS = 64;

  /**
   * Fields without a value are left out: the embedded store serializes every field on every
   * write, so a smaller document is a faster write. Readers treat a missing field as null.
   */
  public static JsonObject toDocument(Task t) {
    return document(t, TaskJson::date);
  }

  /**
   * The store document with its dates as {@link Instant}s rather than {@code {"$date": text}}: for
   * a store reached in this JVM ({@code io.tef.core.store.local}), which keeps them as BSON dates
   * without a round of formatting and parsing.
   */
  public static JsonObject toNativeDocument(Task t) {
    return document(t, i -> i);
  }

  private static JsonObject document(Task t, java.util.function.Function<Instant, Object> dates) {
    java.util.function.Function<Instant, Object> date = i -> i == null ? null : dates.apply(i);
    JsonObject doc = new JsonObject(new java.util.LinkedHashMap<>(FIELDS))
        .put("_id", TaskIds.documentId(t.guid()))
        .put(TaskIds.GUID, t.guid())
        .put("type", t.repeat() != null ? "single" : "normal")
        .put("name", t.taskType())
        .put("priority", t.priority())
        .put("resources", t.resources().isEmpty() ? null : new JsonArray(new ArrayList<>(t.resources())))
        .put("timeLimit", t.timeLimit())
        .put("maxAttempts", t.maxAttempts())
        .put("suiteGuid", t.suiteGuid())
        .put("state", t.state().wire())
        .put("attempt", t.attempt())
        .put("worker", t.worker())
        .put("progress", t.progress())
        .put("failCount", t.failCount())
        .put("lostCount", t.lostCount() > 0 ? t.lostCount() : null)
        .put("failReason", AgendaFields.failReason(t))
        .put("createdAt", date.apply(t.createdAt()))
        .put("nextRunAt", AgendaFields.waiting(t) ? date.apply(t.runAt()) : null)
        .put("runAt", date.apply(t.runAt()))
        .put("lockedAt", date.apply(t.lockedAt()))
        .put("lastRunAt", date.apply(t.startedAt()))
        .put("lastFinishedAt", date.apply(t.finishedAt()))
        .put("failedAt", date.apply(AgendaFields.failedAt(t)))
        .put("disabled", t.state() == TaskState.PAUSED)
        .put(AgendaFields.BEFORE_CANCEL, AgendaFields.beforeCancel(t, date))
        .put("repeatInterval", t.repeat() == null ? null : t.repeat().every())
        .put("repeatTimezone", t.repeat() == null ? null : t.repeat().timezone())
        .put("owner", t.owner())
        .put("attemptToken", t.attemptToken())
        .put("lastModifiedBy", t.lastModifiedBy())
        .put("logs", t.logs().isEmpty() ? null : new JsonArray(new ArrayList<>(t.logs())));
    doc.getMap().values().removeIf(java.util.Objects::isNull);
    StoredJson.put(doc, "data", t.data());
    StoredJson.put(doc, "result", t.result());
    StoredJson.put(doc, "extra", t.extra());
    return doc;
  }

  public static Task fromDocument(JsonObject d) {
    TaskState state = TaskState.fromWire(d.getString("state"));
    if (state == null) {
      throw new IllegalStateException("task " + TaskIds.guidOf(d) + " has unknown state " + d.getValue("state"));
    }
    List<String> resources = new ArrayList<>();
    JsonArray r = d.getJsonArray("resources");
    if (r != null) {
      r.forEach(o -> resources.add(String.valueOf(o)));
    }
    return new Task(
        TaskIds.guidOf(d), d.getString("name"), d.getInteger("priority", 1), resources,
        d.getInteger("timeLimit", 600), d.getInteger("maxAttempts", 3), StoredJson.get(d, "data"),
        d.getString("suiteGuid"), state, d.getInteger("attempt", 0), d.getString("worker"),
        d.getInteger("progress", 0), StoredJson.get(d, "result"), d.getInteger("failCount", 0), d.getInteger("lostCount", 0),
        AgendaFields.failReason(state, d), instant(d, "createdAt"), instant(d, "runAt"),
        instant(d, "lockedAt"), instant(d, "lastRunAt"),
        instant(d, "lastFinishedAt"), instant(AgendaFields.failedAtSource(state, d), "failedAt"),
        d.getString("lastModifiedBy"), logs(d.getJsonArray("logs")),
        d.getString("repeatInterval") == null ? null : new Repeat(d.getString("repeatInterval"), d.getString("repeatTimezone")),
        d.getString("owner"), StoredJson.get(d, "extra") instanceof JsonObject extra ? extra : null, d.getString("attemptToken"));
  }

  /** The task as REST, AMQP and the event bus show it. */
  public static JsonObject toView(Task t) {
    return new JsonObject(new java.util.LinkedHashMap<>(FIELDS))
        .put("type", "task")
        .put("task_type", t.taskType())
        .put("guid", t.guid())
        .put("priority", t.priority())
        .put("resources", String.join("|", t.resources()))
        .put("time_limit", t.timeLimit())
        .put("max_attempts", t.maxAttempts())
        .put("task_data", t.data())
        .put("suite_guid", t.suiteGuid())
        .put("state", t.state().wire())
        .put("attempt", t.attempt())
        .put("worker", t.worker())
        .put("progress", t.progress())
        .put("result", t.result())
        .put("fail_count", t.failCount())
        .put("lost_count", t.lostCount())
        .put("fail_reason", t.failReason())
        .put("logs", new JsonArray(new ArrayList<>(t.logs())))
        .put("run_at", iso(t.runAt()))
        .put("created_at", iso(t.createdAt()))
        .put("started_at", iso(t.startedAt()))
        .put("finished_at", iso(t.finishedAt()))
        .put("failed_at", iso(t.failedAt()))
        .put("repeat_every", t.repeat() == null ? null : t.repeat().every())
        .put("repeat_timezone", t.repeat() == null ? null : t.repeat().timezone())
        .put("dispatcher", t.owner())
        .put("extra", t.extra());
  }

  private static List<JsonObject> logs(JsonArray a) {
    List<JsonObject> out = new ArrayList<>();
    if (a != null) {
      a.forEach(o -> {
        if (o instanceof JsonObject line) {
          out.add(line);
        }
      });
    }
    return out;
  }

  private static JsonObject date(Instant i) {
    return new JsonObject().put("$date", IsoInstants.format(i));
  }

  private static String iso(Instant i) {
    return IsoInstants.format(i);
  }

  /** The raw value: JsonObject.getValue would turn an {@link Instant} into text, to be parsed back here. */
  private static Instant instant(JsonObject d, String key) {
    return instant(d.getMap().get(key));
  }

  private static Instant instant(Object v) {
    return IsoInstants.stored(v);
  }

  private TaskJson() {
  }
}
