package io.tef.collective;

import io.tef.protocol.Addresses;
import io.tef.protocol.Fields;
import io.tef.protocol.Replies;
import io.tef.protocol.ValidationException;
import io.tef.protocol.worker.WorkerPresence;
import io.tef.protocol.worker.WorkerRegistration;
import io.tef.protocol.worker.WorkerStatus;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A worker's {@code worker_status} (its heartbeat): handled by its watcher, forwarded there by
 * any other collective. A TEF status from an unknown worker that names its task types registers
 * it, once its name is claimed from the registry, which holds every name.
 */
final class StatusIntake {

  private static final Logger LOG = LoggerFactory.getLogger(StatusIntake.class);
  private static final long CLAIM_TIMEOUT_MS = 5000;

  private final EventBus bus;
  private final KnownWorkers known;
  private final Liveness liveness;
  private final Watchers watchers;
  private final WorkerEvents events;
  private final RecordWriter writer;
  /** amqp.worker_ping_interval_ms: the interval of a worker on an AMQP queue that announces none (TEF's own sends every 20 s). */
  private final long amqpPingMs;
  /** Names being claimed from the registry for a worker_status: a second status waits for the answer. */
  private final Map<String, Future<WorkerEntry>> claiming = new HashMap<>();

  StatusIntake(EventBus bus, KnownWorkers known, Liveness liveness, Watchers watchers, WorkerEvents events, RecordWriter writer,
      long amqpPingMs) {
    this.bus = bus;
    this.known = known;
    this.liveness = liveness;
    this.watchers = watchers;
    this.events = events;
    this.writer = writer;
    this.amqpPingMs = amqpPingMs;
  }

  /** A status as the worker sent it, to any collective. */
  void onStatus(Message<Object> m) {
    try {
      onStatus(m, Fields.object(m.body()), false);
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }

  /** A status another collective forwarded here, to the worker's watcher: handled here, never forwarded again. */
  void onForwarded(Message<Object> m, JsonObject status) {
    onStatus(m, status, true);
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
      WorkerEntry w = known.get(s.name());
      boolean isKnown = w != null && w.alive() && (s.instance() == null || s.instance().equals(w.instance));
      if (isKnown && !forwarded && !known.watchesHere(w)) {
        watchers.forward(m, body, w, () -> onStatus(m, body, false));
        return;
      }
      if (!isKnown && "offline".equals(s.status())) {
        // Offline already (timed out, removed, never known, or an instance since replaced): TEF's no-op.
        m.reply(new JsonObject().put("ok", true));
        return;
      }
      if (!isKnown) {
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

  /** A status this collective handles: the worker is alive; what changed is published, a plain heartbeat is not. */
  private void heard(Message<Object> m, WorkerStatus s, WorkerEntry w) {
    watchers.watchHere(w);
    w.seen();
    long pingBefore = w.pingIntervalMs;
    if (s.pingIntervalMs() > 0) {
      w.pingIntervalMs = s.pingIntervalMs(); // a worker may change its interval: watched by the newest
    }
    if ("offline".equals(s.status())) {
      liveness.offline(w, "it said so", WorkerPresence.Cause.OFFLINE);
    } else {
      String before = w.status;
      String held = w.task;
      int heldAttempt = w.attempt;
      w.status(s);
      writer.saveLater(w);
      if (!Objects.equals(before, w.status) || !Objects.equals(held, w.task) || heldAttempt != w.attempt || pingBefore != w.pingIntervalMs) {
        events.status(w);
      }
      if (w.statusProtocol && held != null && ("dispatched".equals(before) || "working".equals(before)) && "idle".equals(w.status)) {
        // TEF leaked such a task until someone noticed; here it goes back to the queue at once.
        LOG.info("Worker {} went idle without task_complete for task {} attempt {}: released", w.name, held, heldAttempt);
        WorkerPresence.Cause how = "working".equals(before) ? WorkerPresence.Cause.DROPPED : WorkerPresence.Cause.DECLINED;
        bus.publish(Addresses.DISPATCHER_WORKERS, WorkerPresence.released(w.name, w.instance, held, heldAttempt, how).toJson());
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
    String instance = s.instance() != null ? s.instance() : "status-" + UUID.randomUUID();
    // Its own interval if it announces one; else a worker on an AMQP queue gets amqp.worker_ping_interval_ms
    // (TEF's worker announces none and sends its status every 20 s), any other the node's.
    long ping = s.pingIntervalMs() > 0 ? s.pingIntervalMs() : s.exchangeName() != null ? amqpPingMs : 0;
    WorkerRegistration r = new WorkerRegistration(s.name(), instance, s.namedTaskTypes(), null, -1, ping, null, s.workerType(),
        s.task(), s.attempt(), s.takesAbandon());
    WorkerEntry.Via via = s.exchangeName() != null ? WorkerEntry.Via.AMQP : WorkerEntry.Via.EVENT_BUS;
    JsonObject claim = new JsonObject().put("worker", r.toJson()).put("watched_by", known.self()).put("named_instance", s.instance() != null);
    if (s.exchangeName() != null) {
      claim.put("work_queue", s.exchangeName());
    }
    return bus.<JsonObject>request(Addresses.REGISTRY_CLAIM, claim, new DeliveryOptions().setSendTimeout(CLAIM_TIMEOUT_MS))
        .map(reply -> reply.body().getString("instance", instance))
        .recover(err -> err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS
            ? Future.succeededFuture((String) null) // no registry runs anywhere: the other collectives hear of it from this one
            : Future.failedFuture(err))
        .map(held -> {
          boolean claimed = held != null;
          WorkerRegistration as = !claimed || held.equals(instance) ? r : new WorkerRegistration(r.name(), held, r.taskTypes(), null, -1,
              r.pingIntervalMs(), null, r.workerType(), r.runningTask(), r.runningAttempt(), r.takesAbandon());
          WorkerEntry entry = liveness.register(as, via, s.exchangeName(), known.self(), true);
          if (!claimed) {
            events.registered(claim);
          }
          LOG.info("Worker {} registered by its status: task types {}, queue {}", s.name(), as.taskTypes(), entry.workQueue);
          return entry;
        });
  }
}
