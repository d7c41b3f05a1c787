package io.tef.collective;

import io.tef.protocol.worker.WorkerPresence;
import io.tef.protocol.worker.WorkerRegistration;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * Changes other collectives and the registry published on {@code tef.events.workers}: this
 * collective's view follows them. Its own are skipped (it applied them); a collective that does
 * not watch a worker moves its {@code last_seen} only on these.
 */
final class EventIntake {

  private static final Logger LOG = LoggerFactory.getLogger(EventIntake.class);

  private final KnownWorkers known;
  private final Liveness liveness;
  private final WorkerEvents events;

  EventIntake(KnownWorkers known, Liveness liveness, WorkerEvents events) {
    this.known = known;
    this.liveness = liveness;
    this.events = events;
  }

  void onWorkerEvent(JsonObject event) {
    try {
      if (event == null || events.own(event)) {
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
    liveness.register(r, queue != null ? WorkerEntry.Via.AMQP : WorkerEntry.Via.registered(r), queue, event.getString("watched_by"),
        "worker_status".equals(event.getString("source")));
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
      known.remove(w.name);
      return;
    }
    liveness.markOffline(w, String.valueOf(event.getString("reason")));
  }

  /** The live worker an event of another collective is about, if this collective knows that instance. */
  private WorkerEntry live(JsonObject event) {
    WorkerEntry w = known.get(event.getString("name"));
    return w != null && w.alive() && Objects.equals(w.instance, event.getString("instance")) ? w : null;
  }
}
