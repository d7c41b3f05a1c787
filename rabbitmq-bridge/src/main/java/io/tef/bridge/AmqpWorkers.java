package io.tef.bridge;

import io.tef.protocol.Addresses;
import io.tef.protocol.worker.TaskReport;
import io.tef.protocol.AmqpNames;
import io.tef.protocol.Replies;
import io.tef.protocol.worker.WorkerIdentity;
import io.tef.protocol.worker.WorkerPresence;
import io.tef.protocol.worker.WorkerStatus;
import io.tef.protocol.ErrorBody;
import io.tef.protocol.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Workers that reach TEF over AMQP. For each one (learned from the worker_status it sends,
 * naming its {@code exchange_name}) the bridge serves its event-bus address
 * {@code tef.worker.<name>}: a dispatch is published to the worker's queue and answered once the
 * broker confirmed it. Results come back on the worker type's exchange
 * {@code tef.<env>.<worker_type>.worker_generated_messages} (routing key {@code task}) and become
 * reports on {@code tef.tasks.report}, fenced by attempt like any other.
 */
final class AmqpWorkers {

  private static final Logger LOG = LoggerFactory.getLogger(AmqpWorkers.class);
  private static final int MAX_IN_FLIGHT_REMEMBERED = 10_000;
  private static final long REPORT_TIMEOUT_MS = 15_000;

  /** One AMQP worker: its name, its queue, the type whose exchange it publishes results to. */
  private record Link(String name, String queue, String workerType, MessageConsumer<JsonObject> consumer) {
  }

  private final Vertx vertx;
  private final BrokerConnection broker;
  private final Settler settler;
  private final AmqpNames names;
  private final int prefetch;
  /** How long the dispatcher waits for a worker to take a task (dispatcher.dispatch_timeout_ms). */
  private final long dispatchTimeoutMs;
  private final Map<String, Link> links = new HashMap<>();
  private final Set<String> workerTypes = new LinkedHashSet<>();
  /** guid#attempt to the worker it was sent to: a result that does not name its worker is still placed. */
  private final Map<String, String> inFlight = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > MAX_IN_FLIGHT_REMEMBERED;
    }
  };

  /** A worker's instance as the collective registered it: the dispatcher heeds an idle hint only for it. */
  private final Map<String, String> instances = new HashMap<>();
  /** Workers whose dispatch was answered "busy" while the broker was away. */
  private final Set<String> turnedAway = new LinkedHashSet<>();
  /**
   * guid#attempt to the worker and message of a dispatch the broker never confirmed: it may be on
   * the worker's queue or lost on the wire. It is sent again once connected (same guid and
   * attempt: a worker runs an attempt once, however often it arrives).
   */
  private final Map<String, Resend> resends = new LinkedHashMap<>();

  private record Resend(String worker, JsonObject message) {
  }

  AmqpWorkers(Vertx vertx, BrokerConnection broker, Settler settler, AmqpNames names, int prefetch, long dispatchTimeoutMs) {
    this.vertx = vertx;
    this.dispatchTimeoutMs = dispatchTimeoutMs;
    this.broker = broker;
    this.settler = settler;
    this.names = names;
    this.prefetch = prefetch;
  }

  /** Hears the collective announce workers, to know the instance of each AMQP worker. */
  Future<Void> start() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.DISPATCHER_WORKERS, m -> {
      JsonObject p = m.body();
      if (p != null && "up".equals(p.getString("event")) && p.getString("instance") != null && links.containsKey(p.getString("name"))) {
        instances.put(p.getString("name"), p.getString("instance"));
      }
    }).completion();
  }

  /**
   * The connection is back: each worker turned away meanwhile says idle on its behalf (it cannot:
   * its status says idle all along), so the dispatcher tries it again with the task it kept.
   */
  private static boolean connectionTrouble(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof java.io.IOException || t instanceof com.rabbitmq.client.ShutdownSignalException
          || (t.getMessage() != null && (t.getMessage().contains("reset") || t.getMessage().contains("closed")))) {
        return true;
      }
    }
    return false;
  }

  void onReconnected() {
    resendUnconfirmed();
    for (String name : turnedAway) {
      String instance = instances.get(name);
      if (instance != null) {
        vertx.eventBus().publish(Addresses.DISPATCHER_WORKERS, WorkerPresence.idle(name, instance).toJson());
      } else {
        LOG.warn("AMQP worker {} was turned away while the broker was away; its instance is unknown, so it waits for its next registration", name);
      }
    }
    turnedAway.clear();
  }

  /** Sends again each dispatch whose fate is unknown; one still unconfirmed waits for the next connection. */
  private void resendUnconfirmed() {
    for (Map.Entry<String, Resend> e : new ArrayList<>(resends.entrySet())) {
      Link link = links.get(e.getValue().worker());
      if (link == null) {
        resends.remove(e.getKey());
        continue;
      }
      sendToWorker(link, e.getValue().message().copy().put("resent", true)).onComplete(ar -> {
        if (ar.succeeded()) {
          LOG.info("Task {} sent again to {}: its first copy was never confirmed", e.getKey(), link.queue);
          resends.remove(e.getKey(), e.getValue());
        } else {
          LOG.info("Task {} for {} still not confirmed ({}); sent again on the next connection", e.getKey(), link.queue, ar.cause().getMessage());
        }
      });
    }
  }

  /**
   * A worker_status on its way to the collective: a worker naming its queue gets its event-bus
   * address served before the collective hears of it, so the first dispatch finds it. Links are
   * kept (an offline worker gets no dispatches anyway), which keeps a status racing an offline
   * event from leaving a registered worker without its address.
   */
  Future<Void> learn(WorkerStatus status) {
    if (status.exchangeName() == null || "offline".equals(status.status())) {
      return Future.succeededFuture();
    }
    String type = status.workerType() != null ? status.workerType() : status.taskTypes().isEmpty() ? null : status.taskTypes().get(0);
    if (type == null) {
      return Future.succeededFuture();
    }
    return link(status.name(), status.exchangeName(), type);
  }

  /** At start: the live workers the collective knows with an AMQP queue (a work queue that is not their event-bus address). */
  void learnAll(JsonArray workers) {
    for (Object o : workers) {
      if (o instanceof JsonObject w && w.getString("name") != null && w.getString("work_queue") != null
          && !Addresses.worker(w.getString("name")).equals(w.getString("work_queue"))) {
        JsonArray types = w.getJsonArray("task_types", new JsonArray());
        String type = w.getString("worker_type") != null ? w.getString("worker_type") : types.isEmpty() ? null : types.getString(0);
        // A record kept from before identities were bounded may name what the broker cannot hold.
        if (WorkerIdentity.isTaskType(type) && WorkerIdentity.isQueueName(w.getString("work_queue")) && WorkerIdentity.isToken(w.getString("name"))) {
          link(w.getString("name"), w.getString("work_queue"), type);
          if (w.getString("instance") != null) {
            instances.put(w.getString("name"), w.getString("instance"));
          }
        }
      }
    }
  }

  private Future<Void> link(String name, String queue, String type) {
    Link old = links.get(name);
    if (old != null && old.queue.equals(queue) && old.workerType.equals(type)) {
      return Future.succeededFuture();
    }
    if (old != null) {
      old.consumer.unregister();
    }
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.worker(name));
    Link link = new Link(name, queue, type, consumer);
    consumer.handler(m -> onDispatch(link, m));
    links.put(name, link);
    LOG.info("AMQP worker {}: tasks go to queue {}, results come from {}", name, queue, names.workerGeneratedMessages(type));
    Future<Void> results = workerTypes.add(type) && broker.isUp() ? listenForResults(type) : Future.succeededFuture();
    return consumer.completion().compose(v -> results.otherwiseEmpty());
  }

  /** On every connection: the queues of known workers and the results of known worker types. */
  Future<Void> onConnect() {
    List<Future<Void>> all = new ArrayList<>();
    links.values().forEach(l -> all.add(broker.durableQueue(l.queue)));
    workerTypes.forEach(t -> all.add(listenForResults(t)));
    return Future.all(all).mapEmpty();
  }

  private Future<Void> listenForResults(String type) {
    String queue = names.resultsQueue(type);
    return broker.boundQueue(names.workerGeneratedMessages(type), queue, AmqpNames.RESULT_ROUTING_KEY)
        .compose(v -> broker.consume(queue, prefetch, this::onResult));
  }

  /** The dispatcher's request on tef.worker.<name>: a task (or an abandon) for an AMQP worker. */
  private void onDispatch(Link link, Message<JsonObject> m) {
    io.tef.protocol.Assignment assignment;
    try {
      assignment = io.tef.protocol.Assignment.fromJson(m.body());
    } catch (ValidationException e) {
      Replies.fail(m, e);
      return;
    }
    if (assignment instanceof io.tef.protocol.Assignment.Task a) {
      JsonObject task = a.task().copy()
          .put("type", "task").put("attempt", a.attempt()).put(TaskReport.TOKEN, a.token()).put("worker", link.name)
          .put("results_to", names.workerGeneratedMessages(link.workerType));
      String key = a.guid() + "#" + a.attempt();
      inFlight.put(key, link.name);
      dispatch(link, m, task, key);
    } else if (assignment instanceof io.tef.protocol.Assignment.Abandon a) {
      resends.remove(a.guid() + "#" + a.attempt()); // that attempt is over
      // TEF had no such message: dispatchers send it only to a worker whose worker_status said
      // "takes_abandon": true; it may drop the task (its late result is refused anyway).
      sendToWorker(link, a.toJson())
          .onSuccess(v -> m.reply(new JsonObject().put("told", true)))
          .onFailure(err -> m.fail(503, ErrorBody.of("the broker did not take the abandon for " + link.queue + ": " + err.getMessage(), null).encode()));
    }
  }

  /**
   * Publishes a task to its worker and answers the dispatcher: taken once confirmed; taken too
   * when its fate is unknown (unconfirmed, or the confirm is slower than half the dispatcher's
   * patience), then sent again under the same attempt; "busy" when surely not sent.
   */
  private void dispatch(Link link, Message<JsonObject> m, JsonObject task, String key) {
    boolean[] answered = {false};
    long slow = vertx.setTimer(Math.max(1, dispatchTimeoutMs / 2), id -> {
      answered[0] = true;
      LOG.warn("Task {} for {}: no confirm after {} ms; counted as taken", key, link.queue, dispatchTimeoutMs / 2);
      m.reply(new JsonObject().put("accepted", true).put("queue", link.queue).put("confirmed", false));
    });
    sendToWorker(link, task).onComplete(ar -> {
      vertx.cancelTimer(slow);
      if (ar.succeeded()) {
        if (!answered[0]) {
          m.reply(new JsonObject().put("accepted", true).put("queue", link.queue));
        }
        return;
      }
      Throwable err = ar.cause();
      if (answered[0] || err instanceof UnconfirmedPublish) {
        // The task may sit on the durable queue: a refusal would make the dispatcher start a
        // second attempt beside it. Taken it is, and sent again under the same attempt, so a copy
        // lost on the wire is made good and a copy that did arrive is run once (the worker knows
        // the guid and attempt).
        LOG.warn("Task {} for {}: {}; counted as taken, to be sent again", key, link.queue, err.getMessage());
        resends.put(key, new Resend(link.name, task));
        if (!answered[0]) {
          m.reply(new JsonObject().put("accepted", true).put("queue", link.queue).put("confirmed", false));
        }
        // The connection may outlive the publish (a slow confirm, a nack): then no reconnect comes to send it again.
        ifStillConnectedShortly(this::resendUnconfirmed);
        return;
      }
      inFlight.remove(key);
      if (!broker.publisherConnected() || connectionTrouble(err)) {
        turnedAway.add(link.name);
        // The loss may be noticed (and the reconnect done) before or after now: look again shortly.
        ifStillConnectedShortly(this::onReconnected);
        LOG.info("Task {} for {} not sent ({}): no connection; the dispatcher keeps it for the reconnect", key, link.queue, err.toString());
        // Surely not sent: the connection was away before the publish. "busy" makes the dispatcher
        // put the task back in its place and keep the worker, trying it again on an idle hint,
        // which onReconnected gives; a plain refusal would drop the worker until it re-registers.
        io.tef.protocol.Refusal.BUSY.fail(m, ": not connected to the broker, task " + key + " not sent to " + link.queue);
        return;
      }
      m.fail(503, ErrorBody.of("the broker did not take the task for " + link.queue + ": " + err.getMessage(), null).encode());
    });
  }

  /** Runs {@code action} in a second if the publishing connection is up now and still then. */
  private void ifStillConnectedShortly(Runnable action) {
    if (broker.publisherConnected()) {
      vertx.setTimer(1000, id -> {
        if (broker.publisherConnected()) {
          action.run();
        }
      });
    }
  }

  private Future<Void> sendToWorker(Link link, JsonObject message) {
    return broker.durableQueue(link.queue)
        .compose(v -> broker.publish("", link.queue, Settler.persistentJson(), Buffer.buffer(message.encode())));
  }

  /**
   * A worker's result: {@code {"guid", "attempt", "attempt_token", "worker"?, "result"}} completes the attempt,
   * {@code {"guid", "attempt", "worker"?, "error": "why"}} fails it, and {@code "event"} (working,
   * progress, log, completed, failed, with its fields) passes any report as it is. Without
   * {@code result}, TEF's {@code task_data.results} is the result.
   */
  private void onResult(Delivery d) {
    JsonObject body = settler.bodyObject(d);
    if (body == null) {
      return;
    }
    if (!(body.getValue("guid") instanceof String guid) || !(body.getValue("attempt") instanceof Number attempt)) {
      settler.reject(d, "a result names the task's \"guid\" and the \"attempt\" it was given", body.getValue("guid") instanceof String ? "attempt" : "guid");
      return;
    }
    String key = guid + "#" + attempt.intValue();
    String worker = body.getValue("worker") instanceof String w ? w : body.getValue("name") instanceof String n ? n : inFlight.get(key);
    if (worker == null) {
      settler.reject(d, "a result names its \"worker\" (this bridge did not send task " + key + ")", "worker");
      return;
    }
    // The attempt's token comes back in the task the worker echoes (TEF's worker publishes the task it ran).
    JsonObject report = new JsonObject().put("guid", guid).put("attempt", attempt.intValue()).put("worker", worker)
        .put(TaskReport.TOKEN, body.getValue(TaskReport.TOKEN) instanceof String token ? token : null);
    if (body.getValue("event") != null) {
      body.forEach(e -> report.put(e.getKey(), e.getValue()));
      report.put("worker", worker);
    } else if (body.getValue("error") != null) {
      Object error = body.getValue("error");
      report.put("event", "failed").put("reason", error instanceof String s ? s : String.valueOf(error));
    } else {
      Object result = body.getValue("result");
      if (result == null && body.getValue("task_data") instanceof JsonObject data) {
        result = data.getValue("results");
      }
      report.put("event", "completed").put("result", result);
    }
    vertx.eventBus().<JsonObject>request(Addresses.TASKS_REPORT, report, new DeliveryOptions().setSendTimeout(REPORT_TIMEOUT_MS))
        .onSuccess(reply -> {
          String event = report.getString("event");
          if ("completed".equals(event) || "failed".equals(event)) {
            inFlight.remove(key);
            resends.remove(key);
          }
          settler.answer(d, reply.body());
        })
        .onFailure(err -> {
          int status = Replies.status(err);
          if (Replies.retryLater(err)) {
            // No dispatcher, or it is stopped and records no endings yet: the result waits in its queue.
            settler.later(d);
            return;
          }
          if (status == 410) {
            // An attempt TEF ended itself (stalled, cancelled, lost with its worker): the worker did
            // nothing wrong, and nothing in the message needs a look; acknowledged, not dead-lettered.
            inFlight.remove(key);
            resends.remove(key);
            LOG.info("Late result of task {} from {} acknowledged, not recorded: {}", key, worker, Replies.errorBody(err).getString("error"));
            settler.answer(d, Replies.errorBody(err));
            return;
          }
          settler.refused(d, err, status);
        });
  }
}
