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
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Knows the workers: which are alive (heartbeats), what they do, and their records (the
 * {@code workers} collection, loaded at start). Learns of a worker from the registry (which holds
 * every name: a TEF worker_status naming its worker_type is claimed there first) or from
 * wokmanager's REST events, and tells the dispatchers when one that takes tasks comes up or goes
 * away.
 *
 * <p>With several collectives, one watches each worker: the one the registry handed it to, or
 * the one that claimed it from its status. Heartbeats go to any collective; the others forward
 * them to the watcher, point to point. Only changes are published on {@code tef.events.workers}
 * (watched, status, offline), each with {@code by}, so that a collective skips its own.
 */
public final class CollectiveVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CollectiveVerticle.class);
  /** Below the workers' own request timeouts (10 s for the SDK, 15 s for the AMQP door), so the answer still reaches them. */
  private static final long FORWARD_TIMEOUT_MS = 3000;
  private static final long CLAIM_TIMEOUT_MS = 5000;

  /** This collective's id: its own address, and the {@code by} of its events, so that it skips its own. */
  private final String self = java.util.UUID.randomUUID().toString();
  private final Map<String, WorkerEntry> workers = new LinkedHashMap<>();
  /** Names being claimed from the registry for a worker_status: a second status waits for the answer. */
  private final Map<String, Future<WorkerEntry>> claiming = new HashMap<>();
  /** Watchers being probed (are they still there?), one probe at a time each. */
  private final Set<String> probing = new HashSet<>();
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
      vertx.setPeriodic(ping, id -> probeWatchers());
      var bus = vertx.eventBus();
      return Future.all(List.of(
          bus.<JsonObject>consumer(Addresses.EVENTS_WORKERS, m -> onWorkerEvent(m.body())).completion(),
          bus.<JsonObject>consumer(Addresses.EVENTS_TASKS, m -> onTaskEnded(m.body())).completion(),
          bus.<Object>consumer(Addresses.COLLECTIVE_STATUS, m -> onStatus(m, false)).completion(),
          bus.<Object>consumer(Addresses.COLLECTIVE_WATCH, this::onWatch).completion(),
          bus.<Object>consumer(Addresses.collective(self), this::onDirect).completion(),
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

  /** Changes other collectives and the registry published; this collective's own are skipped (it applied them). */
  private void onWorkerEvent(JsonObject event) {
    try {
      if (event == null || self.equals(event.getValue("by"))) {
        return;
      }
      switch (String.valueOf(event.getValue("event"))) {
        case "registered" -> onRegistered(event);
        case "watched" -> onWatched(event);
        case "status" -> onStatusChanged(event);
        case "offline" -> onOfflineElsewhere(event);
        default -> {
          // not one this collective reads
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("Ignored a bad worker event {}: {}", event, e.toString());
    }
  }

  /** The registry admitted a worker or a claim: every collective knows it, the one it names watches it. */
  private void onRegistered(JsonObject event) {
    WorkerRegistration r;
    try {
      r = WorkerRegistration.fromJson(event.getJsonObject("worker", new JsonObject()));
    } catch (RuntimeException e) {
      LOG.warn("Ignored a bad registration event {}: {}", event, e.getMessage());
      return;
    }
    String queue = event.getString("work_queue");
    register(r, queue != null ? WorkerEntry.Via.AMQP : WorkerEntry.Via.EVENT_BUS, queue, event.getString("watched_by"),
        "worker_status".equals(event.getString("source")));
  }

  /** The registry hands this collective a worker to watch (before it publishes the registration naming it). */
  private void onWatch(Message<Object> m) {
    try {
      WorkerRegistration r = WorkerRegistration.fromJson(Fields.object(Fields.object(m.body()).getValue("worker")));
      register(r, WorkerEntry.Via.EVENT_BUS, null, self, false);
      m.reply(new JsonObject().put("watched_by", self));
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }

  /** Another collective watches this worker now: its heartbeats go there. */
  private void onWatched(JsonObject event) {
    WorkerEntry w = live(event);
    if (w != null) {
      w.watcher = event.getString("by");
      w.seen();
    }
  }

  /** What a worker does changed, as the collective that watches it heard. */
  private void onStatusChanged(JsonObject event) {
    WorkerEntry w = live(event);
    if (w == null) {
      return;
    }
    w.watcher = event.getString("by");
    w.changed(event.getString("status", w.status), event.getString("task"), event.getInteger("attempt", 0));
    if (event.getValue("ping_interval_ms") instanceof Number n && n.longValue() > 0) {
      w.pingIntervalMs = n.longValue();
    }
    w.seen();
  }

  /** Another collective declared a worker offline (or removed it): this one's view follows; that one wrote the record. */
  private void onOfflineElsewhere(JsonObject event) {
    WorkerEntry w = live(event);
    if (w == null) {
      return;
    }
    if (WorkerPresence.Cause.REMOVED.wire().equals(event.getString("cause"))) {
      workers.remove(w.name);
      return;
    }
    markOffline(w, String.valueOf(event.getString("reason")));
  }

  /** The live worker an event of another collective is about, if this collective knows that instance. */
  private WorkerEntry live(JsonObject event) {
    WorkerEntry w = workers.get(event.getString("name"));
    return w != null && w.alive() && Objects.equals(w.instance, event.getString("instance")) ? w : null;
  }

  /** No collective named (none took the watch) or this one: it checks the worker's silence and announces it. */
  private boolean watchesHere(WorkerEntry w) {
    return w.watcher == null || self.equals(w.watcher);
  }

  /**
   * A worker that takes tasks is up: record it; its watcher (or, none named, every collective)
   * tells the dispatchers.
   */
  private WorkerEntry register(WorkerRegistration r, WorkerEntry.Via via, String queue, String watcher, boolean statusProtocol) {
    WorkerEntry w = workers.get(r.name());
    if (w != null && w.alive() && r.instance().equals(w.instance)) {
      // The same worker again (registered again, or the registry's event of a claim or a watch this one made): nothing to announce.
      w.register(r, w.via, w.workQueue, defaultPingMs);
      if (watcher != null) {
        w.watcher = watcher;
      }
      writer.saveLater(w);
      return w;
    }
    if (w != null && w.alive()) {
      if (watchesHere(w)) {
        offline(w, "replaced by a new instance", WorkerPresence.Cause.REPLACED);
      } else {
        markOffline(w, "replaced by a new instance");
      }
    }
    if (w == null) {
      w = new WorkerEntry(r.name());
      workers.put(w.name, w);
    }
    w.register(r, via, queue, defaultPingMs);
    w.watcher = watcher;
    w.statusProtocol = statusProtocol;
    w.message("registered: instance " + r.instance() + ", task types " + r.taskTypes()
        + (r.pid() >= 0 ? ", pid " + r.pid() : "") + (r.host() != null ? " on " + r.host() : "")
        + ", heartbeat every " + w.pingIntervalMs + " ms" + (r.takesAbandon() ? ", takes abandon" : ""), now(), "collective");
    writer.saveNow(w);
    if (watchesHere(w)) {
      vertx.eventBus().publish(Addresses.DISPATCHER_WORKERS, WorkerPresence.up(r).toJson());
    }
    return w;
  }

  /** On this collective's own address: heartbeats another collective forwarded, and probes. */
  private void onDirect(Message<Object> m) {
    try {
      JsonObject body = Fields.object(m.body());
      if (body.getValue("forwarded") instanceof JsonObject status) {
        onStatus(m, status, true);
      } else {
        m.reply(new JsonObject().put("collective", self));
      }
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }

  private void onStatus(Message<Object> m, boolean forwarded) {
    try {
      onStatus(m, Fields.object(m.body()), forwarded);
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }

  private void onStatus(Message<Object> m, JsonObject body, boolean forwarded) {
    try {
      WorkerStatus s = WorkerStatus.fromJson(body);
      Future<WorkerEntry> pending = claiming.get(s.name());
      if (pending != null) {
        // Its name is being claimed from the registry on its first status: this one follows.
        pending.onComplete(done -> onStatus(m, body, forwarded));
        return;
      }
      WorkerEntry w = workers.get(s.name());
      boolean known = w != null && w.alive() && (s.instance() == null || s.instance().equals(w.instance));
      if (known && !forwarded && !watchesHere(w)) {
        forward(m, body, w);
        return;
      }
      if (!known && "offline".equals(s.status())) {
        // Offline already (timed out, removed, never known, or an instance since replaced): TEF's no-op.
        m.reply(new JsonObject().put("ok", true));
        return;
      }
      if (!known) {
        Future<WorkerEntry> claim = registerFromStatus(s, w);
        claiming.put(s.name(), claim);
        claim.onComplete(done -> {
          claiming.remove(s.name());
          if (done.succeeded()) {
            heard(m, s, done.result());
          } else {
            relayFailure(m, done.cause());
          }
        });
        return;
      }
      heard(m, s, w);
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }

  /** A heartbeat of a worker another collective watches goes there; if that one is gone, this one watches it. */
  private void forward(Message<Object> m, JsonObject body, WorkerEntry w) {
    String watcher = w.watcher;
    vertx.eventBus().<JsonObject>request(Addresses.collective(watcher), new JsonObject().put("forwarded", body),
            new DeliveryOptions().setSendTimeout(FORWARD_TIMEOUT_MS))
        .onSuccess(reply -> m.reply(reply.body()))
        .onFailure(err -> {
          if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
            m.fail(re.failureCode(), re.getMessage());
            return;
          }
          WorkerEntry now = workers.get(w.name);
          if (now != null && watcher.equals(now.watcher)) {
            LOG.info("Collective {} that watched worker {} does not answer ({}): this one watches it", watcher, w.name, err.getMessage());
            now.watcher = null;
          }
          onStatus(m, body, false);
        });
  }

  /** A status this collective handles: the worker is alive; what changed is published, a plain heartbeat is not. */
  private void heard(Message<Object> m, WorkerStatus s, WorkerEntry w) {
    if (!self.equals(w.watcher)) {
      // It heard the heartbeat, so it watches the worker; the others forward theirs here from now on.
      w.watcher = self;
      vertx.eventBus().publish(Addresses.EVENTS_WORKERS, new JsonObject().put("event", "watched").put("name", w.name)
          .put("instance", w.instance).put("by", self));
    }
    w.seen();
    long pingBefore = w.pingIntervalMs;
    if (s.pingIntervalMs() > 0) {
      w.pingIntervalMs = s.pingIntervalMs(); // a worker may change its interval: watched by the newest
    }
    if ("offline".equals(s.status())) {
      offline(w, "it said so", WorkerPresence.Cause.OFFLINE);
    } else {
      String before = w.status;
      String held = w.task;
      int heldAttempt = w.attempt;
      w.status(s);
      writer.saveLater(w);
      if (!Objects.equals(before, w.status) || !Objects.equals(held, w.task) || heldAttempt != w.attempt || pingBefore != w.pingIntervalMs) {
        vertx.eventBus().publish(Addresses.EVENTS_WORKERS, new JsonObject().put("event", "status").put("name", w.name)
            .put("instance", w.instance).put("status", w.status).put("task", w.task).put("attempt", w.attempt)
            .put("ping_interval_ms", w.pingIntervalMs).put("by", self));
      }
      if (w.statusProtocol && held != null && ("dispatched".equals(before) || "working".equals(before)) && "idle".equals(w.status)) {
        // TEF leaked such a task until someone noticed; here it goes back to the queue at once.
        LOG.info("Worker {} went idle without task_complete for task {} attempt {}: released", w.name, held, heldAttempt);
        WorkerPresence.Cause how = "working".equals(before) ? WorkerPresence.Cause.DROPPED : WorkerPresence.Cause.DECLINED;
        vertx.eventBus().publish(Addresses.DISPATCHER_WORKERS, WorkerPresence.released(w.name, w.instance, held, heldAttempt, how).toJson());
      }
    }
    m.reply(new JsonObject().put("ok", true));
  }

  /** A refusal from the registry reaches the worker as the registry gave it. */
  private static void relayFailure(Message<?> m, Throwable err) {
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      m.fail(re.failureCode(), re.getMessage());
    } else if (err instanceof ReplyException) {
      m.fail(503, Replies.errorBody(err).encode());
    } else {
      Replies.fail(m, err);
    }
  }

  /**
   * TEF adds a worker it does not know from its status. That needs the task types it runs
   * (worker_type or task_types); a status without them (the SDK's heartbeat) is answered 404 so
   * that the worker goes through the registry again. The name is claimed from the registry first,
   * as a registration would take it: held by another live worker, the status is refused 409.
   */
  private Future<WorkerEntry> registerFromStatus(WorkerStatus s, WorkerEntry w) {
    if (s.namedTaskTypes().isEmpty()) {
      throw new ValidationException(404, "name", "unknown worker '" + s.name()
          + "': register on " + Addresses.REGISTRY_REGISTER + " first, or name its worker_type in the status");
    }
    if (w != null && w.alive()) {
      throw new ValidationException(409, "instance", "worker name '" + s.name() + "' is held by live instance " + w.instance);
    }
    // One that names none gets one; the registry keeps it for as long as it holds the name.
    String instance = s.instance() != null ? s.instance() : "status-" + java.util.UUID.randomUUID();
    // Its own interval if it announces one; else a worker on an AMQP queue gets amqp.worker_ping_interval_ms
    // (TEF's worker announces none and sends its status every 20 s), any other the node's.
    long ping = s.pingIntervalMs() > 0 ? s.pingIntervalMs() : s.exchangeName() != null ? amqpPingMs : 0;
    WorkerRegistration r = new WorkerRegistration(s.name(), instance, s.namedTaskTypes(), null, -1, ping, null, s.workerType(),
        s.task(), s.attempt(), s.takesAbandon());
    WorkerEntry.Via via = s.exchangeName() != null ? WorkerEntry.Via.AMQP : WorkerEntry.Via.EVENT_BUS;
    JsonObject claim = new JsonObject().put("worker", r.toJson()).put("watched_by", self).put("named_instance", s.instance() != null);
    if (s.exchangeName() != null) {
      claim.put("work_queue", s.exchangeName());
    }
    return vertx.eventBus().<JsonObject>request(Addresses.REGISTRY_CLAIM, claim, new DeliveryOptions().setSendTimeout(CLAIM_TIMEOUT_MS))
        .map(reply -> reply.body().getString("instance", instance))
        .recover(err -> err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS
            ? Future.succeededFuture((String) null) // no registry runs anywhere: the other collectives hear of it from this one
            : Future.failedFuture(err))
        .map(held -> {
          boolean claimed = held != null;
          WorkerRegistration as = !claimed || held.equals(instance) ? r : new WorkerRegistration(r.name(), held, r.taskTypes(), null, -1,
              r.pingIntervalMs(), null, r.workerType(), r.runningTask(), r.runningAttempt(), r.takesAbandon());
          WorkerEntry entry = register(as, via, s.exchangeName(), self, true);
          if (!claimed) {
            vertx.eventBus().publish(Addresses.EVENTS_WORKERS, claim.copy().put("event", "registered").put("at", Instant.now().toString())
                .put("source", "worker_status").put("by", self));
          }
          LOG.info("Worker {} registered by its status: task types {}, queue {}", s.name(), as.taskTypes(), entry.workQueue);
          return entry;
        });
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
        case WORKER_STATUS -> onStatus(m, false);
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
      if (!watchesHere(w)) {
        continue; // its watcher checks it; this one hears no heartbeat of it
      }
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
   * A collective that watches a worker asks the others: is it still there? One that does not
   * answer (its node died) leaves its workers to every collective, each giving them a fresh
   * 2 x ping; the first to hear a heartbeat watches it again, a worker that sends none goes silent.
   */
  private void probeWatchers() {
    Set<String> watchers = new HashSet<>();
    for (WorkerEntry w : workers.values()) {
      if (w.alive() && !watchesHere(w)) {
        watchers.add(w.watcher);
      }
    }
    for (String watcher : watchers) {
      if (!probing.add(watcher)) {
        continue;
      }
      vertx.eventBus().request(Addresses.collective(watcher), new JsonObject().put("probe", true),
              new DeliveryOptions().setSendTimeout(Math.max(defaultPingMs, FORWARD_TIMEOUT_MS)))
          .onComplete(done -> {
            probing.remove(watcher);
            if (done.failed() && !(done.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE)) {
              LOG.info("Collective {} does not answer ({}): its workers are watched by every collective", watcher, done.cause().getMessage());
              for (WorkerEntry w : workers.values()) {
                if (w.alive() && watcher.equals(w.watcher)) {
                  w.watcher = null;
                  w.seen();
                }
              }
            }
          });
    }
  }

  /**
   * The worker takes no more tasks; dispatchers put its task back in the queue at once (the cause
   * tells them whether that attempt counts as lost). Its record stays. This collective decided
   * it, so it tells the dispatchers and the other collectives.
   */
  private void offline(WorkerEntry w, String why, WorkerPresence.Cause cause) {
    LOG.info("Worker {} is offline: {}", w.name, why);
    if (w.live) {
      vertx.eventBus().publish(Addresses.DISPATCHER_WORKERS, WorkerPresence.down(w.name, w.instance, cause).toJson());
      vertx.eventBus().publish(Addresses.EVENTS_WORKERS, new JsonObject().put("event", "offline")
          .put("name", w.name).put("instance", w.instance).put("reason", why).put("cause", cause.wire()).put("by", self));
    }
    markOffline(w, why);
    writer.saveNow(w);
  }

  /** The view of a worker gone offline; the collective that decided it writes the record and tells. */
  private void markOffline(WorkerEntry w, String why) {
    w.live = false;
    w.status = "offline";
    w.task = null;
    w.watcher = null;
    w.message("offline: " + why, now(), "collective");
  }
}
