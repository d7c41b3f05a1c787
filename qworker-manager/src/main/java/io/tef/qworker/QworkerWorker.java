package io.tef.qworker;

import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * One admitted Qworker worker: who it is, the event-bus address TEF dispatches to on its behalf,
 * and the one attempt it holds (the dispatcher gives a worker one task at a time).
 */
final class QworkerWorker {

  /** An attempt given to the worker, as its Agenda job. */
  record Held(String guid, int attempt, String token, String jobId, String taskType) {

    JsonObject toJson() {
      return new JsonObject().put("guid", guid).put("attempt", attempt).put("job_id", jobId).put("task_id", taskType);
    }
  }

  final WorkerHello hello;
  final String instance;
  MessageConsumer<io.vertx.core.json.JsonObject> consumer;
  /** Registered with the registry and watched by a collective. */
  boolean registered;
  Held held;
  /** Reports go one after another, as the worker notified them (a log line is recorded before the ending that follows it). */
  io.vertx.core.Future<Void> reports = io.vertx.core.Future.succeededFuture();

  QworkerWorker(WorkerHello hello) {
    this.hello = hello;
    this.instance = hello.instance();
  }

  String id() {
    return hello.id();
  }
}
