package io.tef.collective;

import io.tef.protocol.Addresses;
import io.tef.protocol.json.IsoInstants;
import io.tef.protocol.worker.WorkerRegistration;
import io.tef.protocol.worker.WorkerStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What the collective knows of one worker, and its record in the {@code workers} collection:
 * who it is, how to reach it, its last status, counters and its newest messages and errors.
 */
final class WorkerEntry {

  /** How a worker reaches TEF: over the event bus, through the AMQP door, or only as a REST record. */
  enum Via {
    EVENT_BUS, AMQP, REST,
    /** A Qworker worker, on the event bus through the Qworker manager (its registration's group). */
    QWORKER;

    /** The door of a worker that registered on the event bus. */
    static Via registered(io.tef.protocol.worker.WorkerRegistration r) {
      return "qworker".equals(r.group()) ? QWORKER : EVENT_BUS;
    }

    String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  static final int HISTORY = 50;

  final String name;
  String instance;
  Via via = Via.EVENT_BUS;
  String workQueue;
  String workerType;
  String group;
  List<String> taskTypes = List.of();
  String host;
  long pid = -1;
  /** Its heartbeat interval: the one it announced, else its door's default; offline when silent for twice as long. 0: none (REST records). */
  long pingIntervalMs;
  /** It drops a task when told {@code abandon}; one that does not is never sent it. */
  boolean takesAbandon;
  String status = "idle";
  String task;
  int attempt;
  Instant startedAt;
  Instant lastSeen;
  long lastSeenNanos;
  /** Registered in this collective's life and watched for heartbeats; REST records never are. */
  boolean live;
  /**
   * The collective that watches its heartbeats (the others forward them there and do not check
   * its silence); null: none named, every collective watches it until one takes the watch.
   * Not stored: a loaded record is not live.
   */
  String watcher;
  /**
   * Registered by its own worker_status (TEF's protocol): such a worker ends a task with
   * task_complete, so going idle straight from dispatched or working means it dropped the task.
   */
  boolean statusProtocol;
  long completed;
  long failed;
  long dispatched;
  /** The last task attempt counted as dispatched: a worker holds one at a time. */
  private String countedAttempt;
  final Deque<JsonObject> messages = new ArrayDeque<>();
  final Deque<JsonObject> errors = new ArrayDeque<>();

  // Store-write bookkeeping (RecordWriter).
  long throttleTimer = -1;
  long lastWriteNanos;
  boolean removed;

  WorkerEntry(String name) {
    this.name = name;
    this.workQueue = Addresses.worker(name);
    this.startedAt = now();
    seen();
  }

  void seen() {
    lastSeenNanos = System.nanoTime();
    lastSeen = now();
  }

  /**
   * Takes over what a registration tells; counters and history stay with the name. A worker that
   * announces no ping interval is watched by {@code defaultPingMs}.
   */
  void register(WorkerRegistration r, Via how, String queue, long defaultPingMs) {
    if (!r.instance().equals(instance)) {
      startedAt = now();
      status = "idle";
      task = null;
      attempt = 0;
    } else if ("offline".equals(status)) {
      // Back after being declared offline as the same instance (its heartbeat came late, or its
      // node restarted): live again, or the silence check would skip it for good.
      status = r.runningTask() != null ? "working" : "idle";
    }
    if (r.runningTask() != null) {
      task = r.runningTask(); // it says what it runs: a restarted dispatcher learns it from get_workers too
      attempt = r.runningAttempt();
    }
    instance = r.instance();
    via = how;
    workQueue = queue == null ? Addresses.worker(name) : queue;
    taskTypes = List.copyOf(r.taskTypes());
    host = r.host();
    pid = r.pid();
    pingIntervalMs = r.pingIntervalMs() > 0 ? r.pingIntervalMs() : defaultPingMs;
    takesAbandon = r.takesAbandon();
    if (r.group() != null) {
      group = r.group();
    }
    if (r.workerType() != null) {
      workerType = r.workerType();
    }
    live = true;
    seen();
  }

  void status(WorkerStatus s) {
    changed(s.normalized(), s.task(), s.attempt());
  }

  /** What it does now: from its own status, or from the collective that watches it. */
  void changed(String newStatus, String newTask, int newAttempt) {
    status = newStatus;
    task = newTask;
    attempt = newAttempt;
    if (newTask != null) {
      countDispatch(newTask, newAttempt);
    }
  }

  /** Counts a task attempt it was given once, however often it is mentioned. */
  void countDispatch(String guid, int taskAttempt) {
    String key = guid + "#" + taskAttempt;
    if (!key.equals(countedAttempt)) {
      countedAttempt = key;
      dispatched++;
    }
  }

  void message(Object content, Instant at, String source) {
    add(messages, new JsonObject().put("at", at.toString()).put("source", source).put("content", content));
  }

  void error(Object content, Instant at, String source) {
    add(errors, new JsonObject().put("at", at.toString()).put("source", source).put("content", content));
  }

  private static void add(Deque<JsonObject> history, JsonObject line) {
    history.addLast(line);
    while (history.size() > HISTORY) {
      history.removeFirst();
    }
  }

  boolean alive() {
    return live && !"offline".equals(status);
  }

  /** TEF's get_workers entry plus what the dispatchers read: instance, task types, alive. */
  JsonObject toGetWorkers() {
    return new JsonObject()
        .put("name", name)
        .put("instance", instance)
        .put("work_queue", workQueue)
        .put("task_types", new JsonArray(new ArrayList<>(taskTypes)))
        .put("status", status)
        .put("task", task)
        .put("attempt", attempt)
        .put("worker_type", workerType)
        .put("group", group)
        .put("host", host)
        .put("pid", pid)
        .put("alive", alive())
        .put("ping_interval_ms", pingIntervalMs > 0 ? pingIntervalMs : null)
        .put("takes_abandon", takesAbandon)
        .put("last_seen", lastSeen.toString());
  }

  /** The record as REST lists it; {@code id} is wokmanager's word for the name. */
  JsonObject summary() {
    return new JsonObject()
        .put("name", name)
        .put("id", name)
        .put("group", group)
        .put("worker_type", workerType)
        .put("task_types", new JsonArray(new ArrayList<>(taskTypes)))
        .put("via", via.wire())
        .put("work_queue", via == Via.REST ? null : workQueue)
        .put("instance", instance)
        .put("status", status)
        .put("alive", alive())
        .put("task", task)
        .put("attempt", attempt)
        .put("host", host)
        .put("pid", pid)
        .put("ping_interval_ms", via == Via.REST || pingIntervalMs <= 0 ? null : pingIntervalMs)
        .put("takes_abandon", via == Via.REST ? null : takesAbandon)
        .put("started_at", startedAt.toString())
        .put("last_seen", lastSeen.toString())
        .put("tasks_dispatched", dispatched)
        .put("tasks_completed", completed)
        .put("tasks_failed", failed);
  }

  /** The record with its history, oldest line first. */
  JsonObject full() {
    return summary().put("messages", new JsonArray(new ArrayList<>(messages))).put("errors", new JsonArray(new ArrayList<>(errors)));
  }

  JsonObject toDocument() {
    JsonObject doc = summary().put("messages", stored(messages)).put("errors", stored(errors));
    doc.remove("id");
    doc.remove("alive");
    doc.put("_id", name).put("work_queue", workQueue)
        .put("started_at", date(startedAt)).put("last_seen", date(lastSeen));
    return doc;
  }

  /**
   * Back from the store. A worker that reaches TEF itself is not live until it registers again
   * (its status then comes with it); a REST record is as it was left.
   */
  static WorkerEntry fromDocument(JsonObject doc) {
    WorkerEntry e = new WorkerEntry(doc.getString("_id"));
    e.instance = doc.getString("instance");
    e.via = Via.valueOf(doc.getString("via", "event_bus").toUpperCase(java.util.Locale.ROOT));
    e.workQueue = doc.getString("work_queue", e.workQueue);
    e.workerType = doc.getString("worker_type");
    e.group = doc.getString("group");
    e.taskTypes = doc.getJsonArray("task_types", new JsonArray()).stream().map(String::valueOf).toList();
    e.host = doc.getString("host");
    e.pid = doc.getLong("pid", -1L);
    e.pingIntervalMs = doc.getValue("ping_interval_ms") instanceof Number n ? n.longValue() : 0;
    e.takesAbandon = Boolean.TRUE.equals(doc.getValue("takes_abandon"));
    e.status = e.via == Via.REST ? doc.getString("status", "running") : "offline";
    e.task = e.via == Via.REST ? doc.getString("task") : null;
    e.attempt = e.via == Via.REST ? doc.getInteger("attempt", 0) : 0;
    e.startedAt = instant(doc.getValue("started_at"), e.startedAt);
    e.lastSeen = instant(doc.getValue("last_seen"), e.lastSeen);
    // Age on this JVM's clock, so an old record is forgotten on time after a restart.
    e.lastSeenNanos = System.nanoTime() - java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
        Math.max(0, Instant.now().toEpochMilli() - e.lastSeen.toEpochMilli()));
    e.dispatched = doc.getLong("tasks_dispatched", 0L);
    e.completed = doc.getLong("tasks_completed", 0L);
    e.failed = doc.getLong("tasks_failed", 0L);
    doc.getJsonArray("messages", new JsonArray()).forEach(o -> add(e.messages, loaded((JsonObject) o)));
    doc.getJsonArray("errors", new JsonArray()).forEach(o -> add(e.errors, loaded((JsonObject) o)));
    e.lastWriteNanos = System.nanoTime();
    return e;
  }

  /** History lines as the store keeps them: their content is a client's opaque JSON. */
  private static JsonArray stored(Deque<JsonObject> lines) {
    JsonArray out = new JsonArray();
    for (JsonObject line : lines) {
      JsonObject copy = line.copy();
      io.tef.core.json.StoredJson.put(copy, "content", copy.remove("content"));
      out.add(copy);
    }
    return out;
  }

  private static JsonObject loaded(JsonObject line) {
    Object content = io.tef.core.json.StoredJson.get(line, "content");
    line.remove("contentJson");
    return line.put("content", content);
  }

  private static JsonObject date(Instant i) {
    return new JsonObject().put("$date", i.toString());
  }

  private static Instant instant(Object v, Instant fallback) {
    Instant i = IsoInstants.stored(v);
    return i == null ? fallback : i;
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }
}
