package io.tef.collective;

import io.tef.protocol.Addresses;
import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.tef.protocol.Fields;
import io.tef.protocol.Replies;
import io.tef.protocol.worker.WorkerPresence;
import io.tef.protocol.worker.WorkerQuery;
import io.tef.protocol.worker.WorkerRegistration;
import io.tef.protocol.worker.WorkerStateEvent;
import io.tef.protocol.worker.WorkerStatus;
import io.tef.core.store.mongo.MongoStores;
import io.tef.protocol.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Knows the workers: which are alive (heartbeats), what they do, and their records (the
 * {@code workers} collection, loaded at start). Learns of a worker from the registry, from a TEF
 * worker_status naming its worker_type, or from wokmanager's REST events, and tells the
 * dispatchers when one that takes tasks comes up or goes away.
 */
public final class CollectiveVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CollectiveVerticle.class);

  /** Tells this collective's own "seen" events from those of other collectives. */
  private final String self = java.util.UUID.randomUUID().toString();
  private final Map<String, WorkerEntry> workers = new LinkedHashMap<>();
  private HeartbeatMonitor monitor;
  /** The collection the collective owns: workers. */
  private MongoStores stores;
  private RecordWriter writer;
  private long keepOfflineNanos;
  /** collective.ping_interval_ms: the interval of a worker that announces none. */
  private long defaultPingMs;
  /** amqp.worker_ping_interval_ms: the interval of a worker on an AMQP queue that announces none (TEF's own sends every 20 s). */
  private long amqpPingMs;

  @Override
  public Future<?> start() {
    TefConfig config = ConfigLoader.fromJson(config());
    long ping = config.collective().pingIntervalMs();
    defaultPingMs = ping;
    amqpPingMs = config.amqp().workerPingIntervalMs();
    monitor = new HeartbeatMonitor(ping);
    keepOfflineNanos = TimeUnit.MILLISECONDS.toNanos(config.collective().keepOfflineMs());
    stores = MongoStores.shared(vertx, config.mongo().connectionString(), config.mongo().database());
    writer = new RecordWriter(vertx, stores.workerRecords(), config.collective().recordWriteIntervalMs());
    // Records first: a registration handled before them would be overwritten by its old record.
    return stores.workerRecords().all().compose(docs -> {
      for (JsonObject doc : docs) {
        try {
          WorkerEntry e = WorkerEntry.fromDocument(doc);
          workers.put(e.name, e);
        } catch (RuntimeException e) {
          LOG.warn("Skipped an unreadable worker record {}: {}", doc.getValue("_id"), e.toString());
        }
      }
      LOG.info("Collective loaded {} worker records", workers.size());
      // Checked often (workers may ask for a faster ping than the node's): detection within 2 x ping + 0.1 s.
      vertx.setPeriodic(Math.min(ping / 2, 100), id -> checkHeartbeats());
      var bus = vertx.eventBus();
      return Future.all(List.of(
          bus.<JsonObject>consumer(Addresses.EVENTS_WORKERS, m -> onWorkerEvent(m.body())).completion(),
          bus.<JsonObject>consumer(Addresses.EVENTS_TASKS, m -> onTaskEnded(m.body())).completion(),
          bus.<Object>consumer(Addresses.COLLECTIVE_STATUS, this::onStatus).completion(),
          bus.<Object>consumer(Addresses.COLLECTIVE_GET_WORKERS, this::onGetWorkers).completion(),
          bus.<Object>consumer(Addresses.COLLECTIVE_REMOVE_WORKER, this::onRemove).completion(),
          bus.<Object>consumer(Addresses.COLLECTIVE_CONTROL, this::onControl).completion(),
          bus.<Object>consumer(Addresses.COLLECTIVE_WORKERS, this::onQuery).completion(),
          bus.<Object>consumer(Addresses.COLLECTIVE_WORKER_STATE, this::onWorkerState).completion()));
    });
  }

  @Override
  public Future<?> stop() {
    // Changes waiting for their write interval are written before the store client closes.
    return writer.flush(workers.values()).eventually(() -> stores.close());
  }

  private void onWorkerEvent(JsonObject event) {
    if (event != null && "seen".equals(event.getString("event"))) {
      // Another collective got this worker's heartbeat (they are sent to one collective only):
      // it is alive for every collective, or each would see only its share and declare it silent.
      WorkerEntry w = workers.get(event.getString("name"));
      if (!self.equals(event.getString("by")) && w != null && w.alive() && String.valueOf(w.instance).equals(event.getString("instance"))) {
        w.seen();
      }
      return;
    }
    if (event == null || !"registered".equals(event.getString("event"))) {
      return;
    }
    WorkerRegistration r;
    try {
      r = WorkerRegistration.fromJson(event.getJsonObject("worker", new JsonObject()));
    } catch (RuntimeException e) {
      LOG.warn("Ignored a bad registration event {}: {}", event, e.getMessage());
      return;
    }
    register(r, WorkerEntry.Via.EVENT_BUS, null);
  }

  /** A worker that takes tasks is up: record it and tell the dispatchers. */
  private WorkerEntry register(WorkerRegistration r, WorkerEntry.Via via, String queue) {
    WorkerEntry w = workers.get(r.name());
    if (w != null && w.alive() && r.instance().equals(w.instance)) {
      // The same worker again (or the registry's echo of a status registration): nothing to announce.
      w.register(r, w.via, w.workQueue, defaultPingMs);
      writer.saveLater(w);
      return w;
    }
    if (w != null && w.alive()) {
      offline(w, "replaced by a new instance", WorkerPresence.Cause.REPLACED);
    }
    if (w == null) {
      w = new WorkerEntry(r.name());
      workers.put(w.name, w);
    }
    w.register(r, via, queue, defaultPingMs);
    w.statusProtocol = false; // set again by registerFromStatus for TEF-protocol workers
    w.message("registered: instance " + r.instance() + ", task types " + r.taskTypes()
        + (r.pid() >= 0 ? ", pid " + r.pid() : "") + (r.host() != null ? " on " + r.host() : "")
        + ", heartbeat every " + w.pingIntervalMs + " ms" + (r.takesAbandon() ? ", takes abandon" : ""), now(), "collective");
    writer.saveNow(w);
    vertx.eventBus().publish(Addresses.DISPATCHER_WORKERS, WorkerPresence.up(r).toJson());
    return w;
  }

  private void onStatus(Message<Object> m) {
    try {
      WorkerStatus s = WorkerStatus.fromJson(Fields.object(m.body()));
      WorkerEntry w = workers.get(s.name());
      boolean known = w != null && w.alive() && (s.instance() == null || s.instance().equals(w.instance));
      if (!known && "offline".equals(s.status())) {
        // Offline already (timed out, removed, never known, or an instance since replaced): TEF's no-op.
        m.reply(new JsonObject().put("ok", true));
        return;
      }
      if (!known) {
        w = registerFromStatus(s, w);
      }
      w.seen();
      if (s.pingIntervalMs() > 0) {
        w.pingIntervalMs = s.pingIntervalMs(); // a worker may change its interval: watched by the newest
      }
      vertx.eventBus().publish(Addresses.EVENTS_WORKERS, new JsonObject().put("event", "seen").put("name", w.name)
          .put("instance", w.instance).put("by", self));
      if ("offline".equals(s.status())) {
        offline(w, "it said so", WorkerPresence.Cause.OFFLINE);
      } else {
        String before = w.status;
        String held = w.task;
        int heldAttempt = w.attempt;
        w.status(s);
        writer.saveLater(w);
        if (w.statusProtocol && held != null && ("dispatched".equals(before) || "working".equals(before)) && "idle".equals(w.status)) {
          // TEF leaked such a task until someone noticed; here it goes back to the queue at once.
          LOG.info("Worker {} went idle without task_complete for task {} attempt {}: released", w.name, held, heldAttempt);
          WorkerPresence.Cause how = "working".equals(before) ? WorkerPresence.Cause.DROPPED : WorkerPresence.Cause.DECLINED;
          vertx.eventBus().publish(Addresses.DISPATCHER_WORKERS, WorkerPresence.released(w.name, w.instance, held, heldAttempt, how).toJson());
        }
      }
      m.reply(new JsonObject().put("ok", true));
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }

  /**
   * TEF adds a worker it does not know from its status. That needs the task types it runs
   * (worker_type or task_types); a status without them (the SDK's heartbeat) is answered 404 so
   * that the worker goes through the registry again.
   */
  private WorkerEntry registerFromStatus(WorkerStatus s, WorkerEntry w) {
    if (s.namedTaskTypes().isEmpty()) {
      throw new ValidationException(404, "name", "unknown worker '" + s.name()
          + "': register on " + Addresses.REGISTRY_REGISTER + " first, or name its worker_type in the status");
    }
    if (w != null && w.alive()) {
      throw new ValidationException(409, "instance", "worker name '" + s.name() + "' is held by live instance " + w.instance);
    }
    String instance = s.instance() != null ? s.instance() : "status-" + java.util.UUID.randomUUID();
    // Its own interval if it announces one; else a worker on an AMQP queue gets amqp.worker_ping_interval_ms
    // (TEF's worker announces none and sends its status every 20 s), any other the node's.
    long ping = s.pingIntervalMs() > 0 ? s.pingIntervalMs() : s.exchangeName() != null ? amqpPingMs : 0;
    WorkerRegistration r = new WorkerRegistration(s.name(), instance, s.namedTaskTypes(), null, -1, ping, null, s.workerType(),
        s.task(), s.attempt(), s.takesAbandon());
    WorkerEntry.Via via = s.exchangeName() != null ? WorkerEntry.Via.AMQP : WorkerEntry.Via.EVENT_BUS;
    WorkerEntry entry = register(r, via, s.exchangeName());
    entry.statusProtocol = true;
    // The registry holds the name for this instance too, so an SDK worker cannot take it meanwhile.
    vertx.eventBus().publish(Addresses.EVENTS_WORKERS, new JsonObject().put("event", "registered")
        .put("worker", r.toJson()).put("at", Instant.now().toString()).put("source", "worker_status"));
    LOG.info("Worker {} registered by its status: task types {}, queue {}", s.name(), r.taskTypes(), entry.workQueue);
    return entry;
  }

  private void onGetWorkers(Message<Object> m) {
    JsonArray list = new JsonArray();
    workers.values().stream().filter(WorkerEntry::alive).forEach(w -> list.add(w.toGetWorkers()));
    m.reply(new JsonObject().put("response", list));
  }

  /** TEF's remove_worker: forgets the worker and its record; its task goes back to the queue at once. */
  private void onRemove(Message<Object> m) {
    try {
      String name = Fields.requireString(Fields.object(m.body()), "name");
      WorkerEntry w = workers.get(name);
      if (w == null) {
        throw new ValidationException(404, "name", "no worker named '" + name + "'");
      }
      JsonObject view = w.summary();
      if (w.alive()) {
        offline(w, "removed", WorkerPresence.Cause.REMOVED);
      }
      workers.remove(name);
      writer.delete(w)
          .onSuccess(v -> m.reply(new JsonObject().put("removed", view)))
          .onFailure(err -> Replies.fail(m, err));
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }

  private void onControl(Message<Object> m) {
    try {
      switch (io.tef.protocol.CollectiveControl.parse(Fields.requireString(Fields.object(m.body()), "type"))) {
        case WORKER_STATUS -> onStatus(m);
        case REMOVE_WORKER -> onRemove(m);
        case GET_WORKERS -> onGetWorkers(m);
      }
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }

  private void onQuery(Message<Object> m) {
    try {
      JsonObject body = Fields.object(m.body());
      String name = Fields.optionalString(body, "name");
      if (name != null) {
        WorkerEntry w = workers.get(name);
        if (w == null) {
          throw new ValidationException(404, "name", "no worker named '" + name + "'");
        }
        m.reply(new JsonObject().put("worker", w.full()));
        return;
      }
      WorkerQuery q = WorkerQuery.fromJson(body);
      JsonArray list = new JsonArray();
      workers.values().stream()
          .filter(w -> q.matches(w.name, w.group, w.taskTypes, w.status))
          .sorted(Comparator.comparing(w -> w.name))
          .forEach(w -> list.add(w.summary()));
      m.reply(new JsonObject().put("count", list.size()).put("workers", list));
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }

  /** wokmanager's events; answered once the record holding the event is written. */
  private void onWorkerState(Message<Object> m) {
    try {
      WorkerStateEvent e = WorkerStateEvent.fromJson(Fields.object(m.body()));
      WorkerEntry w = workers.get(e.id());
      switch (e.event()) {
        case STARTED -> {
          if (w != null && w.alive() && w.via != WorkerEntry.Via.REST) {
            throw new ValidationException(409, "id", "worker name '" + e.id() + "' is held by a live worker that reaches TEF over "
                + w.via.wire() + "; pick another id");
          }
          if (w == null) {
            w = new WorkerEntry(e.id());
            workers.put(w.name, w);
          }
          w.via = WorkerEntry.Via.REST;
          w.live = false;
          w.instance = null;
          w.status = "running";
          w.task = null;
          w.startedAt = e.at();
          if (e.group() != null) {
            w.group = e.group();
          }
          w.message(e.content() != null ? e.content() : "started", e.at(), "rest");
        }
        case STOPPED -> {
          if (w == null || "offline".equals(w.status)) {
            throw notRegistered();
          }
          if (e.content() != null) {
            w.message(e.content(), e.at(), "rest");
          }
          if (w.alive()) {
            offline(w, "stopped over REST", WorkerPresence.Cause.OFFLINE);
          } else {
            w.status = "offline";
            w.message("stopped", e.at(), "rest");
          }
        }
        case MESSAGE, ERROR -> {
          if (w == null) {
            throw notRegistered();
          }
          if (e.event() == WorkerStateEvent.Kind.MESSAGE) {
            w.message(e.content(), e.at(), "rest");
          } else {
            w.error(e.content(), e.at(), "rest");
          }
        }
        default -> throw new IllegalStateException("unhandled event " + e.event());
      }
      w.seen();
      JsonObject answer = new JsonObject().put("registered", e.event().wire()).put("at", e.at().toString());
      writer.saveNow(w).onSuccess(v -> m.reply(answer)).onFailure(err -> Replies.fail(m, err));
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }

  private static ValidationException notRegistered() {
    return new ValidationException(404, "id", "no such worker registered");
  }

  /** Counts what each worker ended; a failed task leaves its reason in the worker's errors. */
  private void onTaskEnded(JsonObject task) {
    if (task == null || task.getString("worker") == null) {
      return;
    }
    WorkerEntry w = workers.get(task.getString("worker"));
    String guid = task.getString("guid");
    if (w == null || guid == null) {
      return;
    }
    String state = task.getString("state");
    if (!"completed".equals(state) && !"failed".equals(state)) {
      return;
    }
    w.countDispatch(guid, task.getInteger("attempt", 0));
    if ("completed".equals(state)) {
      w.completed++;
    } else {
      w.failed++;
      w.error("task " + guid + " attempt " + task.getInteger("attempt", 0) + " failed: " + task.getString("fail_reason"),
          now(), "task");
    }
    writer.saveLater(w);
  }

  private void checkHeartbeats() {
    long now = System.nanoTime();
    for (WorkerEntry w : monitor.silent(workers.values(), now)) {
      offline(w, "no heartbeat since " + w.lastSeen + " (its interval: " + w.pingIntervalMs + " ms)", WorkerPresence.Cause.SILENT);
    }
    List<WorkerEntry> forgotten = new ArrayList<>();
    for (WorkerEntry w : workers.values()) {
      if ("offline".equals(w.status) && now - w.lastSeenNanos > keepOfflineNanos) {
        forgotten.add(w);
      }
    }
    for (WorkerEntry w : forgotten) {
      workers.remove(w.name);
      writer.delete(w);
      LOG.info("Forgot the record of worker {}: offline since {}", w.name, w.lastSeen);
    }
  }

  private static Instant now() {
    return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }

  /**
   * The worker takes no more tasks; dispatchers put its task back in the queue at once (the cause
   * tells them whether that attempt counts as lost). Its record stays.
   */
  private void offline(WorkerEntry w, String why, WorkerPresence.Cause cause) {
    LOG.info("Worker {} is offline: {}", w.name, why);
    if (w.live) {
      vertx.eventBus().publish(Addresses.DISPATCHER_WORKERS, WorkerPresence.down(w.name, w.instance, cause).toJson());
      vertx.eventBus().publish(Addresses.EVENTS_WORKERS, new JsonObject().put("event", "offline")
          .put("name", w.name).put("instance", w.instance).put("reason", why));
    }
    w.live = false;
    w.status = "offline";
    w.task = null;
    w.message("offline: " + why, now(), "collective");
    writer.saveNow(w);
  }
}
