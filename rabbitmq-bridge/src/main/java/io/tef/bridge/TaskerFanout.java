package io.tef.bridge;

import io.tef.protocol.Addresses;
import io.tef.protocol.AmqpNames;
import io.tef.core.config.TefConfig;
import io.tef.protocol.Replies;
import io.tef.core.store.TaskerStore;
import io.tef.protocol.ValidationException;
import io.tef.core.tasker.TaskerRequest;
import io.tef.core.tasker.TaskerResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * tasker's publish/subscribe. A request on {@code tef.tasker.submit} becomes a stored task
 * (CREATED), published to the type's fanout exchange {@code tasker.<type>} and on the event
 * bus (SENT); with endpoints listed, the answer waits, on a timer, until each has answered
 * CREATED (DONE) or {@code tasker.wait_for_endpoints_timeout_ms} ran out (INCOMPLETE).
 * Endpoints answer on the queue the task names as {@code responses_to} (or on
 * {@code tef.tasker.responses}); each response is stored, then announced on
 * {@code tef.events.tasker}, which is what a waiting request listens to, on whichever node.
 */
final class TaskerFanout {

  private static final Logger LOG = LoggerFactory.getLogger(TaskerFanout.class);

  /** A request waiting for its listed endpoints. */
  private static final class EndpointWait {
    final List<String> endpoints;
    final Set<String> pending;
    final Promise<Void> done = Promise.promise();
    long timer = -1;

    EndpointWait(List<String> endpoints) {
      this.endpoints = endpoints;
      this.pending = new LinkedHashSet<>(endpoints);
    }
  }

  private final Vertx vertx;
  private final BrokerConnection broker;
  private final Settler settler;
  private final AmqpNames names;
  private final TefConfig.Tasker config;
  private final TaskerStore store;
  private final Map<String, EndpointWait> waits = new HashMap<>();

  TaskerFanout(Vertx vertx, BrokerConnection broker, Settler settler, AmqpNames names, TefConfig.Tasker config, TaskerStore store) {
    this.vertx = vertx;
    this.broker = broker;
    this.settler = settler;
    this.names = names;
    this.config = config;
    this.store = store;
  }

  boolean enabled() {
    return !config.taskTypes().isEmpty();
  }

  /** The event-bus side, once at start. */
  Future<Void> start() {
    if (!enabled()) {
      return Future.succeededFuture();
    }
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.<Object>consumer(Addresses.TASKER_SUBMIT, this::onSubmit).completion(),
        bus.<Object>consumer(Addresses.TASKER_QUERY, m -> Replies.answer(m, body -> query(io.tef.protocol.Fields.object(body)))).completion(),
        bus.<Object>consumer(Addresses.TASKER_RESPONSES, this::onBusResponse).completion(),
        bus.<JsonObject>consumer(Addresses.EVENTS_TASKER, m -> onAnswered(m.body())).completion())).mapEmpty();
  }

  /** On every connection: the types' exchanges, the responses queue and its consumer. */
  Future<Void> onConnect() {
    if (!enabled()) {
      return Future.succeededFuture();
    }
    List<Future<Void>> all = new ArrayList<>();
    config.taskTypes().forEach(t -> all.add(broker.fanoutExchange(AmqpNames.taskerExchange(t))));
    all.add(broker.durableQueue(names.taskerResponses()));
    return Future.all(all).compose(v -> broker.consume(names.taskerResponses(), 50, this::onAmqpResponse));
  }

  /** {@link Addresses#TASKER_QUERY}: a task and its responses, for the REST door (this bridge owns tasker's records). */
  Future<JsonObject> query(JsonObject message) {
    String type = io.tef.protocol.Fields.requireString(message, "type");
    String id = io.tef.protocol.Fields.requireString(message, "id");
    return store.findTask(type, id)
        .compose(task -> {
          if (task == null) {
            throw new ValidationException(404, "id", "no " + type + " task with id or identifier " + id);
          }
          return store.responses(task).map(responses -> {
            task.remove("responders");
            return new JsonObject().put("task", task).put("taskResponseList", responses);
          });
        })
        .recover(err -> Future.failedFuture(err instanceof ValidationException ? err
            : new ValidationException(500, null, "the store did not answer: " + err.getMessage())));
  }

  private void onSubmit(Message<Object> m) {
    TaskerRequest request;
    try {
      request = TaskerRequest.fromJson(io.tef.protocol.Fields.object(m.body()));
      if (!config.taskTypes().contains(request.type())) {
        throw new ValidationException(404, "type", "no tasker task type " + request.type() + " (tasker.task_types: " + config.taskTypes() + ")");
      }
    } catch (ValidationException e) {
      Replies.fail(m, e);
      return;
    }
    if (!broker.isUp()) {
      m.fail(503, io.tef.protocol.ErrorBody.of("not connected to the broker (" + broker.lastError() + "); try again", null).encode());
      return;
    }
    JsonObject task = new JsonObject().put("id", UUID.randomUUID().toString()).put("identifier", request.identifier())
        .put("type", request.type()).put("status", "CREATED").put("start_time", TaskerStore.now())
        .put("endpoints", new JsonArray(new ArrayList<>(request.endpoints()))).put("payload", request.payload());
    String id = task.getString("id");
    // Listening before publishing: an endpoint may answer before the publish is confirmed.
    EndpointWait wait = request.endpoints().isEmpty() ? null : new EndpointWait(request.endpoints());
    store.insertTask(task)
        .compose(v -> {
          if (wait != null) {
            waits.put(id, wait);
          }
          return publish(task);
        })
        .compose(v -> store.setStatus(id, "SENT").map(x -> task.put("status", "SENT")))
        .compose(sent -> wait == null ? Future.succeededFuture(sent) : awaitEndpoints(id, wait).map(status -> task.put("status", status)))
        .onSuccess(m::reply)
        .onFailure(err -> {
          forget(id);
          LOG.warn("tasker task {} ({} {}) not sent: {}", id, request.type(), request.identifier(), err.getMessage());
          if (err instanceof ValidationException v) {
            Replies.fail(m, v);
            return;
          }
          m.fail(503, io.tef.protocol.ErrorBody.of("the task " + id + " was not sent to " + AmqpNames.taskerExchange(request.type())
              + ": " + err.getMessage(), null).encode());
        });
  }

  /** To the fanout exchange (persistent, confirmed) and on the event bus; both carry where to answer. */
  private Future<Void> publish(JsonObject task) {
    String type = task.getString("type");
    JsonObject message = task.copy().put("responses_to", names.taskerResponses());
    vertx.eventBus().publish(Addresses.tasker(type), message);
    return broker.publish(AmqpNames.taskerExchange(type), "", Settler.persistentJson(), Buffer.buffer(message.encode()))
        // Sent but unconfirmed (the connection died): most likely delivered; the wait tells.
        .recover(err -> err instanceof UnconfirmedPublish ? Future.succeededFuture() : Future.failedFuture(err));
  }

  /** DONE when every listed endpoint answered in time, else INCOMPLETE; the store has the last word. */
  private Future<String> awaitEndpoints(String id, EndpointWait wait) {
    if (!wait.done.future().isComplete()) {
      wait.timer = vertx.setTimer(Math.max(1, config.waitForEndpointsTimeoutMs()), t -> finish(id));
    }
    return wait.done.future()
        .compose(v -> store.responders(id))
        .map(answered -> answered.containsAll(wait.endpoints) ? "DONE" : "INCOMPLETE")
        .compose(status -> store.setStatus(id, status).map(status));
  }

  private void onAnswered(JsonObject event) {
    if (event == null) {
      return;
    }
    EndpointWait wait = waits.get(event.getString("task_id"));
    if (wait != null && wait.pending.remove(event.getString("endpoint")) && wait.pending.isEmpty()) {
      finish(event.getString("task_id"));
    }
  }

  private void finish(String id) {
    EndpointWait wait = waits.remove(id);
    if (wait != null) {
      if (wait.timer >= 0) {
        vertx.cancelTimer(wait.timer);
      }
      wait.done.tryComplete();
    }
  }

  private void forget(String id) {
    EndpointWait wait = waits.remove(id);
    if (wait != null && wait.timer >= 0) {
      vertx.cancelTimer(wait.timer);
    }
  }

  private void onBusResponse(Message<Object> m) {
    TaskerResponse response;
    try {
      response = TaskerResponse.parse(io.tef.protocol.Fields.object(m.body()));
    } catch (ValidationException e) {
      Replies.fail(m, e);
      return;
    }
    record(response).onSuccess(m::reply).onFailure(err -> Replies.fail(m, err));
  }

  private void onAmqpResponse(Delivery d) {
    JsonObject body = settler.bodyObject(d);
    if (body == null) {
      return;
    }
    TaskerResponse response;
    try {
      response = TaskerResponse.parse(body);
    } catch (ValidationException e) {
      settler.reject(d, e.getMessage(), e.field());
      return;
    }
    record(response)
        .onSuccess(reply -> settler.answer(d, reply))
        .onFailure(err -> {
          if (err instanceof ValidationException v) {
            settler.reject(d, v.getMessage(), v.field());
          } else {
            // The store did not take it: the response waits in its queue.
            LOG.warn("tasker response for {} not stored yet: {}", response.taskId(), err.getMessage());
            settler.later(d);
          }
        });
  }

  /** Stores a response, then tells every node's waiting requests. */
  private Future<JsonObject> record(TaskerResponse r) {
    return store.taskExists(r.taskId())
        .compose(known -> known ? store.record(r)
            : Future.failedFuture(new ValidationException(404, "task_id", "no tasker task " + r.taskId())))
        .map(v -> {
          vertx.eventBus().publish(Addresses.EVENTS_TASKER, new JsonObject()
              .put("task_id", r.taskId()).put("endpoint", r.endpoint()).put("status", r.status()));
          return new JsonObject().put("recorded", r.status()).put("task_id", r.taskId()).put("endpoint", r.endpoint());
        });
  }
}
