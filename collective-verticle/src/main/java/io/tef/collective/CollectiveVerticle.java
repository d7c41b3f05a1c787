package io.tef.collective;

import io.tef.core.Addresses;
import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.tef.core.protocol.Fields;
import io.tef.core.protocol.Replies;
import io.tef.core.protocol.WorkerPresence;
import io.tef.core.protocol.WorkerRegistration;
import io.tef.core.protocol.WorkerStatus;
import io.tef.core.task.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Knows which workers are alive. Learns of a worker from the registry, keeps it alive on its
 * heartbeats, and tells the dispatchers when one comes up or goes away.
 */
public final class CollectiveVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CollectiveVerticle.class);

  private final Map<String, WorkerEntry> workers = new LinkedHashMap<>();
  private HeartbeatMonitor monitor;

  @Override
  public Future<?> start() {
    TefConfig config = ConfigLoader.fromJson(config());
    long ping = config.collective().pingIntervalMs();
    monitor = new HeartbeatMonitor(ping);
    // Checked often (workers may ping faster than the node's default): detection within 2 x ping + 0.1 s.
    vertx.setPeriodic(Math.min(ping / 2, 100), id -> checkHeartbeats());
    return Future.all(
        vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_WORKERS, m -> onWorkerEvent(m.body())).completion(),
        vertx.eventBus().<Object>consumer(Addresses.COLLECTIVE_STATUS, this::onStatus).completion(),
        vertx.eventBus().<Object>consumer(Addresses.COLLECTIVE_GET_WORKERS, this::onGetWorkers).completion());
  }

  private void onWorkerEvent(JsonObject event) {
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
    WorkerEntry old = workers.get(r.name());
    if (old != null && !old.registration.instance().equals(r.instance())) {
      offline(old, "replaced by a new instance");
    }
    workers.put(r.name(), new WorkerEntry(r));
    vertx.eventBus().publish(Addresses.DISPATCHER_WORKERS, WorkerPresence.up(r).toJson());
  }

  private void onStatus(Message<Object> m) {
    try {
      WorkerStatus s = WorkerStatus.fromJson(Fields.object(m.body()));
      WorkerEntry w = workers.get(s.name());
      if (w == null || (s.instance() != null && !s.instance().equals(w.registration.instance()))) {
        throw new ValidationException(404, "name", "unknown worker '" + s.name() + "': register first");
      }
      w.seen();
      if ("offline".equals(s.status())) {
        offline(w, "it said so");
      } else {
        w.status = "ready".equals(s.status()) ? "idle" : s.status();
        w.task = s.task();
        w.attempt = s.attempt();
      }
      m.reply(new JsonObject().put("ok", true));
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }

  private void onGetWorkers(Message<Object> m) {
    JsonArray list = new JsonArray();
    workers.values().forEach(w -> list.add(w.toJson()));
    m.reply(new JsonObject().put("response", list));
  }

  private void checkHeartbeats() {
    for (WorkerEntry w : monitor.silent(workers.values(), System.nanoTime())) {
      offline(w, "no heartbeat since " + w.lastSeen);
    }
  }

  private void offline(WorkerEntry w, String why) {
    if (workers.get(w.registration.name()) == w) {
      workers.remove(w.registration.name());
    }
    LOG.info("Worker {} is offline: {}", w.registration.name(), why);
    vertx.eventBus().publish(Addresses.DISPATCHER_WORKERS, WorkerPresence.down(w.registration.name(), w.registration.instance()).toJson());
    vertx.eventBus().publish(Addresses.EVENTS_WORKERS, new JsonObject().put("event", "offline")
        .put("name", w.registration.name()).put("instance", w.registration.instance()).put("reason", why));
  }
}
