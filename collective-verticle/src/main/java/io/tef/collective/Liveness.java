package io.tef.collective;

import io.tef.protocol.Addresses;
import io.tef.protocol.Fields;
import io.tef.protocol.Replies;
import io.tef.protocol.ValidationException;
import io.tef.protocol.worker.WorkerPresence;
import io.tef.protocol.worker.WorkerRegistration;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * A worker's life in this collective: up when registered, down when it says so, goes silent or
 * is removed, forgotten once offline for {@code collective.keep_offline_ms}. Only its watcher (or,
 * none named, every collective) tells the dispatchers, so each hears {@code up} and {@code down}
 * once.
 */
final class Liveness {

  private static final Logger LOG = LoggerFactory.getLogger(Liveness.class);

  private final EventBus bus;
  private final KnownWorkers known;
  private final RecordWriter writer;
  private final WorkerEvents events;
  private final HeartbeatMonitor monitor;
  /** collective.ping_interval_ms: the interval of a worker that announces none. */
  private final long defaultPingMs;
  private final long keepOfflineNanos;

  Liveness(EventBus bus, KnownWorkers known, RecordWriter writer, WorkerEvents events, HeartbeatMonitor monitor,
      long defaultPingMs, long keepOfflineNanos) {
    this.bus = bus;
    this.known = known;
    this.writer = writer;
    this.events = events;
    this.monitor = monitor;
    this.defaultPingMs = defaultPingMs;
    this.keepOfflineNanos = keepOfflineNanos;
  }

  /**
   * A worker that takes tasks is up: record it; its watcher (or, none named, every collective)
   * tells the dispatchers.
   */
  WorkerEntry register(WorkerRegistration r, WorkerEntry.Via via, String queue, String watcher, boolean statusProtocol) {
    WorkerEntry w = known.get(r.name());
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
      if (known.watchesHere(w)) {
        offline(w, "replaced by a new instance", WorkerPresence.Cause.REPLACED);
      } else {
        markOffline(w, "replaced by a new instance");
      }
    }
    if (w == null) {
      w = new WorkerEntry(r.name());
      known.add(w);
    }
    w.register(r, via, queue, defaultPingMs);
    w.watcher = watcher;
    w.statusProtocol = statusProtocol;
    w.message("registered: instance " + r.instance() + ", task types " + r.taskTypes()
        + (r.pid() >= 0 ? ", pid " + r.pid() : "") + (r.host() != null ? " on " + r.host() : "")
        + ", heartbeat every " + w.pingIntervalMs + " ms" + (r.takesAbandon() ? ", takes abandon" : ""), KnownWorkers.now(), "collective");
    writer.saveNow(w);
    if (known.watchesHere(w)) {
      bus.publish(Addresses.DISPATCHER_WORKERS, WorkerPresence.up(r).toJson());
    }
    return w;
  }

  /**
   * The worker takes no more tasks; dispatchers put its task back in the queue at once (the cause
   * tells them whether that attempt counts as lost). Its record stays. This collective decided
   * it, so it tells the dispatchers and the other collectives.
   */
  void offline(WorkerEntry w, String why, WorkerPresence.Cause cause) {
    LOG.info("Worker {} is offline: {}", w.name, why);
    if (w.live) {
      bus.publish(Addresses.DISPATCHER_WORKERS, WorkerPresence.down(w.name, w.instance, cause).toJson());
      events.offline(w, why, cause);
    }
    markOffline(w, why);
    writer.saveNow(w);
  }

  /** The view of a worker gone offline; the collective that decided it writes the record and tells. */
  void markOffline(WorkerEntry w, String why) {
    w.live = false;
    w.status = "offline";
    w.task = null;
    w.watcher = null;
    w.message("offline: " + why, KnownWorkers.now(), "collective");
  }

  /** Periodic: a worker this collective watches that went silent is offline; a record offline for too long is forgotten. */
  void checkHeartbeats() {
    long now = System.nanoTime();
    for (WorkerEntry w : monitor.silent(known.all(), now)) {
      if (!known.watchesHere(w)) {
        continue; // its watcher checks it; this one hears no heartbeat of it
      }
      offline(w, "no heartbeat since " + w.lastSeen + " (its interval: " + w.pingIntervalMs + " ms)", WorkerPresence.Cause.SILENT);
    }
    List<WorkerEntry> forgotten = new ArrayList<>();
    for (WorkerEntry w : known.all()) {
      if ("offline".equals(w.status) && now - w.lastSeenNanos > keepOfflineNanos) {
        forgotten.add(w);
      }
    }
    for (WorkerEntry w : forgotten) {
      known.remove(w.name);
      writer.delete(w);
      LOG.info("Forgot the record of worker {}: offline since {}", w.name, w.lastSeen);
    }
  }

  /** TEF's remove_worker: forgets the worker and its record; its task goes back to the queue at once. */
  void onRemove(Message<Object> m) {
    try {
      String name = Fields.requireString(Fields.object(m.body()), "name");
      WorkerEntry w = known.get(name);
      if (w == null) {
        throw new ValidationException(404, "name", "no worker named '" + name + "'");
      }
      JsonObject view = w.summary();
      if (w.alive()) {
        offline(w, "removed", WorkerPresence.Cause.REMOVED);
      }
      known.remove(name);
      writer.delete(w)
          .onSuccess(v -> m.reply(new JsonObject().put("removed", view)))
          .onFailure(err -> Replies.fail(m, err));
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }
}
