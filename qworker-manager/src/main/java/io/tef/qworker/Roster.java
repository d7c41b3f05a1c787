package io.tef.qworker;

import io.tef.core.mubsub.MubsubChannel;
import io.tef.core.store.QworkerJobs;
import io.tef.protocol.Addresses;
import io.tef.protocol.Replies;
import io.tef.protocol.ValidationException;
import io.tef.protocol.qworker.QworkerEvents;
import io.tef.protocol.worker.WorkerRegistration;
import io.tef.protocol.worker.WorkerStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Qworker workers this manager answers for, by id. {@code worker:initialize} (or a ping from a
 * worker it does not know, which was up before the manager) admits one: the registry checks that
 * its id is not held by another live worker and that its task ids are defined; the answer is
 * {@code <pid>/start} or {@code <pid>/terminate} with the reason. Pings are its heartbeats: the
 * collective declares it offline after twice the ping interval, and its task is queued again.
 */
final class Roster {

  private static final Logger LOG = LoggerFactory.getLogger(Roster.class);
  private static final long TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final MubsubChannel channel;
  private final QworkerJobs jobs;
  private final JobDispatch dispatch;
  private final TaskMetadata metadata;
  private final ManagerState state;
  private final JsonObject startOptions;
  private final long pingIntervalMs;
  private final Map<String, QworkerWorker> byId = new HashMap<>();

  Roster(Vertx vertx, MubsubChannel channel, QworkerJobs jobs, JobDispatch dispatch, TaskMetadata metadata, ManagerState state,
         JsonObject startOptions, long pingIntervalMs) {
    this.vertx = vertx;
    this.channel = channel;
    this.jobs = jobs;
    this.dispatch = dispatch;
    this.metadata = metadata;
    this.state = state;
    this.startOptions = startOptions;
    this.pingIntervalMs = pingIntervalMs;
  }

  QworkerWorker get(String id) {
    return id == null ? null : byId.get(id);
  }

  void onInitialize(JsonObject m) {
    WorkerHello hello = hello(m, QworkerEvents.INITIALIZE);
    if (hello != null) {
      admit(hello);
    }
  }

  /** A ping is a heartbeat; from a worker this manager does not know, it is an initialize. */
  void onPing(JsonObject m) {
    WorkerHello hello = hello(m, QworkerEvents.PING);
    if (hello == null) {
      return;
    }
    QworkerWorker w = byId.get(hello.id());
    if (w == null) {
      admit(hello);
    } else if (w.instance.equals(hello.instance()) && w.registered) {
      heartbeat(w);
    } else if (!w.instance.equals(hello.instance())) {
      terminate(hello, heldBy(w));
    }
  }

  /**
   * worker:start: it started its Agenda. A sign of life like a ping: its first ping comes a whole
   * interval later, and connecting its Agenda may take a while on a loaded machine.
   */
  void onStarted(JsonObject m) {
    WorkerHello hello = m.getValue("id") instanceof String && m.getValue("pid") instanceof Number ? hello(m, QworkerEvents.START) : null;
    QworkerWorker w = hello == null ? null : byId.get(hello.id());
    if (w != null && w.instance.equals(hello.instance()) && w.registered) {
      heartbeat(w);
    }
  }

  /** worker:stop, worker:disconnected, worker:terminate: offline now (its task is queued again). */
  void onGone(JsonObject m, String event) {
    String id = m.getValue("id") instanceof String s ? s : null;
    QworkerWorker w = byId.get(id);
    if (w == null || !(m.getValue("pid") instanceof Number pid) || pid.longValue() != w.hello.pid()) {
      return;
    }
    LOG.info("Qworker worker {} (pid {}) said {}: offline", id, w.hello.pid(), event);
    offline(w, "said " + event);
  }

  /** Dropped here and told to the collective as offline (its task is queued again). */
  private void offline(QworkerWorker w, String why) {
    drop(w, why);
    vertx.eventBus().request(Addresses.COLLECTIVE_STATUS, new WorkerStatus(w.id(), w.instance, "offline", null, 0).toJson(), timeout());
  }

  /** The collective declared a worker offline (silent for twice its ping interval, or removed). */
  void onOfflineEvent(JsonObject e) {
    QworkerWorker w = byId.get(e.getString("name"));
    if (w != null && w.instance.equals(e.getString("instance"))) {
      LOG.info("Qworker worker {} (pid {}) is offline: {}", w.id(), w.hello.pid(), e.getString("reason"));
      drop(w, e.getString("reason", "offline"));
    }
  }

  private void admit(WorkerHello hello) {
    QworkerWorker known = byId.get(hello.id());
    if (known != null && !known.instance.equals(hello.instance())) {
      terminate(hello, heldBy(known));
      return;
    }
    if (known != null) {
      register(known, true); // initialized again (after manager:start): started again
      return;
    }
    QworkerWorker w = new QworkerWorker(hello);
    byId.put(hello.id(), w);
    liveElsewhere(hello).compose(holder -> {
      if (holder != null) {
        return Future.failedFuture(new ValidationException(409, "id", holder));
      }
      w.consumer = vertx.eventBus().consumer(Addresses.worker(hello.id()), msg -> dispatch.onDispatch(w, msg));
      return w.consumer.completion().compose(v -> adopt(w));
    }).onSuccess(v -> register(w, true)).onFailure(err -> {
      byId.remove(hello.id(), w);
      if (w.consumer != null) {
        w.consumer.unregister();
      }
      terminate(hello, err.getMessage());
    });
  }

  /** A TEF worker of another door, live under this name: the address is not taken from it. */
  private Future<String> liveElsewhere(WorkerHello hello) {
    return vertx.eventBus().<JsonObject>request(Addresses.COLLECTIVE_WORKERS, new JsonObject().put("name", hello.id()), timeout())
        .map(reply -> {
          JsonObject r = reply.body();
          boolean live = r != null && r.getString("status") != null && !"offline".equals(r.getString("status"));
          return live && !hello.instance().equals(r.getString("instance"))
              ? "worker id '" + hello.id() + "' is held by a live worker (instance " + r.getString("instance") + ")" : null;
        })
        .otherwise(err -> null);
  }

  /**
   * After a restart of TEF the worker may still run the job it was given: the job it locked and
   * has not finished is its task (the dispatcher adopts it); every other job of its is an attempt
   * that is over, removed so that it never runs again.
   */
  private Future<Void> adopt(QworkerWorker w) {
    return jobs.jobs(w.id()).compose(docs -> {
      for (JsonObject d : docs) {
        JsonObject tef = d.getJsonObject("tef");
        if (d.getValue("lockedAt") != null && d.getValue("lastFinishedAt") == null && tef != null && tef.getString("guid") != null) {
          w.held = new QworkerWorker.Held(tef.getString("guid"), tef.getInteger("attempt", 0), tef.getString("attempt_token"),
              d.getString("_id"), d.getString("name"));
          break;
        }
      }
      return jobs.clear(w.id(), w.held == null ? null : w.held.jobId()).mapEmpty();
    });
  }

  private void register(QworkerWorker w, boolean sendStart) {
    QworkerWorker.Held held = w.held;
    WorkerRegistration r = new WorkerRegistration(w.id(), w.instance, w.hello.taskIds(), null, w.hello.pid(), pingIntervalMs, "qworker", null,
        held == null ? null : held.guid(), held == null ? 0 : held.attempt(), true);
    vertx.eventBus().<JsonObject>request(Addresses.REGISTRY_REGISTER, r.toJson(), timeout()).onSuccess(reply -> {
      boolean first = !w.registered;
      w.registered = true;
      if (first) {
        LOG.info("Qworker worker {} (pid {}) admitted for {}; its jobs are in {}", w.id(), w.hello.pid(), w.hello.taskIds(), jobs.collection(w.id()));
      }
      if (sendStart) {
        JsonObject types = reply.body().getJsonObject("task_types");
        metadata.whenDefined(vertx, w.hello.taskIds(), pingIntervalMs).onComplete(v -> sendStart(w, types));
      }
    }).onFailure(err -> {
      if (byId.get(w.id()) != w) {
        return;
      }
      if (Replies.status(err) == 400 || Replies.status(err) == 409 || !w.registered) {
        drop(w, "refused: " + err.getMessage());
        terminate(w.hello, Replies.errorBody(err).getString("error", err.getMessage()));
      } else {
        LOG.info("Qworker worker {} not registered again yet ({}); its next ping tries again", w.id(), err.getMessage());
        w.registered = false;
      }
    });
  }

  /**
   * {@code <pid>/start} carries each task's metadata, where the worker finds its code: a worker
   * whose tasks no {@code define:tasks} described within a ping interval is terminated saying so
   * (started without it, Qworker's worker would fail loading its tasks).
   */
  private void sendStart(QworkerWorker w, JsonObject types) {
    if (byId.get(w.id()) != w) {
      return;
    }
    List<String> missing = metadata.missing(w.hello.taskIds());
    if (!missing.isEmpty()) {
      String reason = "no define:tasks described task" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
          + " within " + pingIntervalMs + " ms of its worker:initialize (the manager sends each task's metadata, where its code is, in <pid>/start)";
      offline(w, reason);
      terminate(w.hello, reason);
      return;
    }
    JsonObject start = startOptions.copy().put("collection", jobs.collection(w.id())).put("tasks", metadata.tasks(w.hello.taskIds(), types));
    channel.publish(QworkerEvents.start(w.hello.pid()), start).compose(v -> state.running() ? Future.succeededFuture() : state.repeat());
  }

  private void heartbeat(QworkerWorker w) {
    QworkerWorker.Held held = w.held;
    WorkerStatus status = held == null ? new WorkerStatus(w.id(), w.instance, "idle", null, 0)
        : new WorkerStatus(w.id(), w.instance, "working", held.guid(), held.attempt());
    vertx.eventBus().<JsonObject>request(Addresses.COLLECTIVE_STATUS, status.toJson(), timeout()).onFailure(err -> {
      if (err instanceof ReplyException re && re.failureCode() == 404 && byId.get(w.id()) == w) {
        register(w, false); // the collective forgot it (restarted): introduced again
      }
    });
  }

  private void drop(QworkerWorker w, String why) {
    if (!byId.remove(w.id(), w)) {
      return;
    }
    if (w.consumer != null) {
      w.consumer.unregister();
    }
    QworkerWorker.Held held = w.held;
    w.held = null;
    if (held != null) {
      dispatch.cancel(w, held, "its worker went offline (" + why + ")");
    }
    jobs.clear(w.id(), null);
  }

  private void terminate(WorkerHello hello, String reason) {
    LOG.warn("Qworker worker {} (pid {}) terminated: {}", hello.id(), hello.pid(), reason);
    channel.publish(QworkerEvents.terminate(hello.pid()), new JsonObject().put("id", hello.id()).put("reason", reason));
  }

  private static String heldBy(QworkerWorker w) {
    return "worker id '" + w.id() + "' is held by a live worker (pid " + w.hello.pid() + ")";
  }

  private WorkerHello hello(JsonObject m, String event) {
    try {
      return WorkerHello.fromJson(m);
    } catch (ValidationException e) {
      LOG.warn("A Qworker {} was refused: {}: {}", event, e.field(), e.getMessage());
      if (m.getValue("pid") instanceof Number pid && pid.longValue() > 0) {
        channel.publish(QworkerEvents.terminate(pid.longValue()), new JsonObject().put("reason", e.field() + ": " + e.getMessage()));
      }
      return null;
    }
  }

  /** The manager stops: the workers keep their jobs and are admitted again when it is back. */
  Future<Void> stop() {
    List<Future<Void>> all = new ArrayList<>();
    for (QworkerWorker w : byId.values()) {
      if (w.consumer != null) {
        all.add(w.consumer.unregister().otherwiseEmpty());
      }
    }
    byId.clear();
    return Future.all(all).mapEmpty();
  }

  private static DeliveryOptions timeout() {
    return new DeliveryOptions().setSendTimeout(TIMEOUT_MS);
  }
}
