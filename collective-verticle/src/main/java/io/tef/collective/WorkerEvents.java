package io.tef.collective;

import io.tef.protocol.Addresses;
import io.tef.protocol.json.IsoInstants;
import io.tef.protocol.worker.WorkerPresence;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * What this collective tells the others on {@code tef.events.workers}: only changes (a plain
 * heartbeat publishes nothing), each with {@code by}, so that it skips its own echoes.
 */
final class WorkerEvents {

  private final EventBus bus;
  private final String self;

  WorkerEvents(EventBus bus, String self) {
    this.bus = bus;
    this.self = self;
  }

  /** Published by this collective: it applied the change already. */
  boolean own(JsonObject event) {
    return self.equals(event.getValue("by"));
  }

  /** A worker registered by its status while no registry runs: the other collectives hear of it from this one. */
  void registered(JsonObject claim) {
    bus.publish(Addresses.EVENTS_WORKERS, claim.copy().put("event", "registered").put("at", IsoInstants.format(Instant.now()))
        .put("source", "worker_status").put("by", self));
  }

  /** This collective watches the worker now: the others forward its heartbeats here. */
  void watched(WorkerEntry w) {
    bus.publish(Addresses.EVENTS_WORKERS, new JsonObject().put("event", "watched").put("name", w.name)
        .put("instance", w.instance).put("by", self));
  }

  /** Its status, task, attempt or ping interval changed. */
  void status(WorkerEntry w) {
    bus.publish(Addresses.EVENTS_WORKERS, new JsonObject().put("event", "status").put("name", w.name)
        .put("instance", w.instance).put("status", w.status).put("task", w.task).put("attempt", w.attempt)
        .put("ping_interval_ms", w.pingIntervalMs).put("by", self));
  }

  /** This collective declared it offline (or removed it). */
  void offline(WorkerEntry w, String why, WorkerPresence.Cause cause) {
    bus.publish(Addresses.EVENTS_WORKERS, new JsonObject().put("event", "offline")
        .put("name", w.name).put("instance", w.instance).put("reason", why).put("cause", cause.wire()).put("by", self));
  }
}
