package io.tef.bridge;

import io.tef.protocol.Addresses;
import io.tef.protocol.Replies;
import io.tef.protocol.worker.WorkerStatus;
import io.tef.protocol.task.TaskEnvelope;
import io.tef.protocol.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;


/**
 * The manager queue and TEF's older three input queues: one handler, routed by {@code type} to
 * the event-bus address that serves it. A message is acknowledged only once that address
 * answered (a task: once it is stored).
 */
final class ManagerInbox {

  private static final String KNOWN_TYPES = "task, tasks, " + io.tef.protocol.DispatcherControl.names() + ", "
      + io.tef.protocol.CollectiveControl.names();
  private static final long REQUEST_TIMEOUT_MS = 15_000;

  private final Vertx vertx;
  private final Settler settler;
  private final AmqpWorkers workers;

  ManagerInbox(Vertx vertx, Settler settler, AmqpWorkers workers) {
    this.vertx = vertx;
    this.settler = settler;
    this.workers = workers;
  }

  void handle(Delivery d) {
    JsonObject body = settler.bodyObject(d);
    if (body == null) {
      return;
    }
    if (!(body.getValue("type") instanceof String type) || type.isBlank()) {
      settler.reject(d, "no type: a message needs \"type\" (" + KNOWN_TYPES + ")", "type");
      return;
    }
    if ("tasks".equals(type)) {
      submitMany(d, body);
      return;
    }
    String address = "task".equals(type) ? Addresses.TASKS_SUBMIT
        : io.tef.protocol.DispatcherControl.of(type) != null ? Addresses.DISPATCHER_CONTROL
        : io.tef.protocol.CollectiveControl.of(type) != null ? Addresses.COLLECTIVE_CONTROL
        : null;
    if (address == null) {
      settler.reject(d, "unknown type '" + type + "'; one of " + KNOWN_TYPES, "type");
      return;
    }
    Future<Void> ready = Future.succeededFuture();
    if ("task".equals(type)) {
      // TEF's manager ignored fields it did not know (its own specs send "data"): they are kept, under extra.
      try {
        body = TaskEnvelope.keepingUnknownFields(body);
      } catch (ValidationException e) {
        settler.reject(d, e.field() + ": " + e.getMessage() + " (" + e.status() + ")", e.field());
        return;
      }
    } else if (io.tef.protocol.CollectiveControl.of(type) == io.tef.protocol.CollectiveControl.WORKER_STATUS) {
      // Read as the collective reads it, so a name the broker or the bus cannot hold never reaches either.
      WorkerStatus status;
      try {
        status = WorkerStatus.fromJson(body);
      } catch (ValidationException e) {
        settler.reject(d, (e.field() == null ? "" : e.field() + ": ") + e.getMessage() + " (" + e.status() + ")", e.field());
        return;
      }
      // A worker naming its queue is served on its event-bus address before the collective can announce it.
      ready = workers.learn(status).otherwiseEmpty();
    }
    JsonObject message = body;
    ready.compose(v -> vertx.eventBus().<JsonObject>request(address, message, new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MS)
            .addHeader(Addresses.DOOR_HEADER, "amqp")))
        .onSuccess(reply -> settler.answer(d, answer(type, reply.body())))
        .onFailure(err -> {
          int status = Replies.status(err);
          if (Replies.retryLater(err)) {
            // Nobody serves that address right now (no dispatcher or collective): not the message's fault.
            settler.later(d);
            return;
          }
          settler.refused(d, err, status);
        });
  }

  /**
   * A bulk submission: {@code {"type": "tasks", "tasks": [envelope, ...]}}, each envelope read as a
   * lone "task" message is (unknown fields kept under extra) and answered on its own in the results.
   */
  private void submitMany(Delivery d, JsonObject body) {
    if (!(body.getValue("tasks") instanceof io.vertx.core.json.JsonArray tasks)) {
      settler.reject(d, "tasks: a \"tasks\" message needs \"tasks\", an array of task envelopes", "tasks");
      return;
    }
    io.vertx.core.json.JsonArray envelopes = new io.vertx.core.json.JsonArray();
    for (Object item : tasks) {
      Object envelope = item;
      if (item instanceof JsonObject o) {
        try {
          envelope = TaskEnvelope.keepingUnknownFields(o);
        } catch (ValidationException e) {
          envelope = o; // the dispatcher names what is wrong with this item
        }
      }
      envelopes.add(envelope);
    }
    vertx.eventBus().<JsonObject>request(Addresses.TASKS_SUBMIT, envelopes, new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MS)
            .addHeader(Addresses.DOOR_HEADER, "amqp"))
        .onSuccess(reply -> settler.answer(d, reply.body().copy().put("response", true)))
        .onFailure(err -> {
          if (Replies.retryLater(err)) {
            settler.later(d);
            return;
          }
          settler.refused(d, err, Replies.status(err));
        });
  }

  /** TEF's answers: a task is {@code {"response": true}} plus the task; control messages answer in TEF's shape already. */
  private static JsonObject answer(String type, JsonObject reply) {
    if ("task".equals(type)) {
      return new JsonObject().put("response", true).put("created", reply.getBoolean("created"))
          .put("task", reply.getJsonObject("task"));
    }
    return reply;
  }
}
