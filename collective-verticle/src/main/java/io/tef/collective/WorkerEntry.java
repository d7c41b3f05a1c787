package io.tef.collective;

import io.tef.core.protocol.WorkerRegistration;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;

/** What the collective knows of one worker: who it is, its last status, when it was last heard. */
final class WorkerEntry {

  final WorkerRegistration registration;
  String status = "idle";
  String task;
  int attempt;
  long lastSeenNanos;
  Instant lastSeen;

  WorkerEntry(WorkerRegistration registration) {
    this.registration = registration;
    seen();
  }

  void seen() {
    lastSeenNanos = System.nanoTime();
    lastSeen = Instant.now();
  }

  /** TEF's get_workers shape, plus what TEF lacked: instance, task types, last seen. */
  JsonObject toJson() {
    return new JsonObject()
        .put("name", registration.name())
        .put("instance", registration.instance())
        .put("work_queue", io.tef.core.Addresses.worker(registration.name()))
        .put("task_types", new JsonArray(new ArrayList<>(registration.taskTypes())))
        .put("status", status)
        .put("task", task)
        .put("attempt", attempt)
        .put("host", registration.host())
        .put("pid", registration.pid())
        .put("alive", true)
        .put("last_seen", lastSeen.toString());
  }
}
