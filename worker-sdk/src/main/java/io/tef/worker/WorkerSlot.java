package io.tef.worker;

import io.tef.protocol.Addresses;
import io.tef.protocol.json.IsoInstants;
import io.tef.protocol.worker.TaskReport;
import io.tef.protocol.worker.WorkerPresence;
import io.tef.protocol.worker.WorkerRegistration;
import io.tef.protocol.worker.WorkerStatus;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One registered identity of a {@link TefWorker}: its own name, instance, event-bus consumer,
 * registration, heartbeat and at most one job. The dispatcher gives a name one task at a time,
 * so a worker with N slots is N names. Runs on its worker's context only.
 */
final class WorkerSlot {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerSlot.class);
  private static final long REQUEST_TIMEOUT_MS = 10_000;
  private static final long RETRY_DELAY_MS = 1_000;
  /** A result is offered for an hour while no dispatcher answers (its node restarting): it is not lost. */
  private static final int REPORT_TRIES = 3600;

  private final TefWorker owner;
  private final String name;
  private final String instance = UUID.randomUUID().toString();
  private final Map<String, TaskHandler> handlers;
  /** The ping interval this slot asks for at registration; 0: the node's. */
  private final long requestedPingMs;
  private final Promise<Void> firstRegistration = Promise.promise();

  private Vertx vertx;
  private Context context;
  private MessageConsumer<JsonObject> consumer;
  private long pingIntervalMs = 5_000;
  private long firstRefusalAt;
  private long heartbeatTimer = -1;
  private boolean registered;
  /** Stopping: new tasks are refused with 409 "stopping"; the running one may still finish. */
  private boolean stopping;
  /** Said offline: no more heartbeats or registrations. */
  private boolean gone;
  /** A task was refused because this slot was busy: dispatchers must hear when it is idle again. */
  private boolean turnedAway;
  private Job current;
  /** The last result report; a graceful stop waits for it to be recorded. */
  private Future<Void> lastResult = Future.succeededFuture();
  /** Completed when the current job ends (finished or abandoned); set while a stop waits for it. */
  private Promise<Void> jobEnded;

  WorkerSlot(TefWorker owner, String name, Map<String, TaskHandler> handlers, long requestedPingMs) {
    this.owner = owner;
    this.name = name;
    this.handlers = handlers;
    this.requestedPingMs = requestedPingMs;
  }

  String name() {
    return name;
  }

  Future<Void> registration() {
    return firstRegistration.future();
  }

  Future<Void> start(Vertx vertx, Context context) {
    this.vertx = vertx;
    this.context = context;
    consumer = vertx.eventBus().consumer(Addresses.worker(name), this::onTask);
    return consumer.completion().onSuccess(v -> register());
  }

  private void register() {
    if (gone) {
      return;
    }
    if (requestedPingMs > 0) {
      pingIntervalMs = requestedPingMs;
    }
    // It takes abandon (onAbandon): the dispatcher may take a stalled or cancelled task back from it.
    WorkerRegistration r = new WorkerRegistration(name, instance, new ArrayList<>(handlers.keySet()),
        System.getenv().getOrDefault("HOSTNAME", "localhost"), ProcessHandle.current().pid(), requestedPingMs, null, null,
        current == null ? null : current.guid(), current == null ? 0 : current.attempt(), true);
    vertx.eventBus().<JsonObject>request(Addresses.REGISTRY_REGISTER, r.toJson(), timeout())
        .onSuccess(reply -> {
          registered = true;
          pingIntervalMs = reply.body().getLong("ping_interval_ms", pingIntervalMs);
          owner.notifications().definitions(reply.body().getJsonObject("task_types"));
          scheduleHeartbeat();
          firstRegistration.tryComplete();
        })
        .onFailure(err -> {
          boolean refused = err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE;
          int code = refused ? ((ReplyException) err).failureCode() : 0;
          // A name still held by our own earlier process frees up once that one is seen offline
          // (2 x ping); held longer, it belongs to another live worker and we stop.
          if (refused && code == 409 && firstRefusalAt == 0) {
            firstRefusalAt = System.nanoTime();
          }
          boolean heldTooLong = code == 409 && System.nanoTime() - firstRefusalAt > TimeUnit.MILLISECONDS.toNanos(3 * pingIntervalMs + RETRY_DELAY_MS);
          if (refused && (code == 400 || heldTooLong) && !registered) {
            LOG.error("Worker {} refused by the registry: {}", name, err.getMessage());
            firstRegistration.tryFail(err);
            return;
          }
          if (gone) {
            return;
          }
          LOG.info("Worker {} not registered yet ({}); trying again", name, err.getMessage());
          vertx.setTimer(RETRY_DELAY_MS, id -> register());
        });
  }

  private void scheduleHeartbeat() {
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    heartbeatTimer = vertx.setPeriodic(pingIntervalMs, id -> heartbeat());
  }

  private void heartbeat() {
    if (!registered || gone) {
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.COLLECTIVE_STATUS, status().toJson(), timeout())
        .onFailure(err -> {
          if (err instanceof ReplyException re && re.failureCode() == 404 && !gone) {
            // The collective does not know us (it restarted): introduce ourselves again.
            registered = false;
            register();
          }
        });
  }

  private WorkerStatus status() {
    Job job = current;
    return job == null
        ? new WorkerStatus(name, instance, "idle", null, 0)
        : new WorkerStatus(name, instance, "working", job.guid(), job.attempt());
  }

  private void onTask(Message<JsonObject> m) {
    io.tef.protocol.Assignment assignment;
    try {
      assignment = io.tef.protocol.Assignment.fromJson(m.body());
    } catch (RuntimeException e) {
      m.fail(400, "not a task assignment: " + e.getMessage());
      return;
    }
    if (assignment instanceof io.tef.protocol.Assignment.Abandon abandon) {
      onAbandon(m, abandon);
      return;
    }
    Job job = Job.from((io.tef.protocol.Assignment.Task) assignment);
    TaskHandler handler = handlers.get(job.taskType());
    // "stopping" first: a dispatcher drops a worker that refuses for any reason but "busy".
    if (stopping) {
      io.tef.protocol.Refusal.STOPPING.fail(m, null);
      return;
    }
    if (current != null) {
      turnedAway = true;
      io.tef.protocol.Refusal.BUSY.fail(m, "with " + current.guid());
      return;
    }
    if (handler == null) {
      io.tef.protocol.Refusal.NO_HANDLER.fail(m, "for " + job.taskType());
      return;
    }
    current = job;
    job.bind(name, owner, r -> {
      if (!job.abandoned()) {
        vertx.eventBus().request(job.reportAddress(), r.toJson(), timeout());
        notifyReport(job, r);
      }
    }, reason -> onContext(() -> finish(job, Future.failedFuture(reason))));
    // The reply is the "working" report: the dispatcher records the start when it arrives.
    m.reply(new JsonObject().put("accepted", true));
    owner.notifications().publish(name, job, "start", new JsonObject().put("state", "working").put("started_at", IsoInstants.format(java.time.Instant.now())), null);
    Future<Object> outcome;
    try {
      outcome = handler.handle(job);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    if (outcome == null) {
      outcome = Future.failedFuture("the handler for " + job.taskType() + " returned no future");
    }
    // A handler may complete its future on any thread; the slot's state lives on its context.
    outcome.onComplete(ar -> onContext(() -> finish(job, ar)));
  }

  /** Reports the job's outcome once: the handler's future, or job.fail(...) if that came first. */
  private void finish(Job job, AsyncResult<Object> ar) {
    if (job.abandoned() || !job.end()) {
      return; // taken back (this outcome would be refused anyway), or already reported
    }
    if (current == job) {
      current = null;
    }
    TaskReport outcome = ar.succeeded()
        ? TaskReport.completed(job.guid(), job.attempt(), name, job.token(), ar.result())
        : TaskReport.failed(job.guid(), job.attempt(), name, job.token(), reason(ar.cause()));
    lastResult = report(job.reportAddress(), outcome);
    notifyReport(job, outcome);
    jobEnded();
    announceIdle();
  }

  /** The notification a report makes: progress, a log line, success or failure. */
  private void notifyReport(Job job, TaskReport r) {
    String now = IsoInstants.format(java.time.Instant.now());
    switch (r.kind()) {
      case PROGRESS -> owner.notifications().publish(name, job, "progress", new JsonObject().put("progress", r.progress()), r.progress());
      case LOG -> owner.notifications().publish(name, job, "log:" + r.level(), new JsonObject(), r.message());
      case COMPLETED -> owner.notifications().publish(name, job, "success",
          new JsonObject().put("state", "completed").put("result", r.result()).put("finished_at", now).put("progress", 100), null);
      case FAILED -> owner.notifications().publish(name, job, "fail",
          new JsonObject().put("fail_reason", r.reason()).put("finished_at", now).put("failed_at", now), r.reason());
      default -> { }
    }
  }

  private void onContext(Runnable r) {
    if (Vertx.currentContext() == context) {
      r.run();
    } else {
      context.runOnContext(v -> r.run());
    }
  }

  /** The dispatcher took the task back (stalled or cancelled): drop it and be free for work. */
  private void onAbandon(Message<JsonObject> m, io.tef.protocol.Assignment.Abandon abandon) {
    Job job = current;
    String guid = abandon.guid();
    if (job != null && job.guid().equals(guid) && job.attempt() == abandon.attempt()) {
      job.abandon();
      current = null;
      LOG.info("Worker {} abandoned task {} attempt {}", name, guid, job.attempt());
      jobEnded();
    }
    m.reply(new JsonObject().put("abandoned", true));
    announceIdle();
  }

  private void jobEnded() {
    if (jobEnded != null) {
      jobEnded.tryComplete();
      jobEnded = null;
    }
  }

  /**
   * A dispatcher this slot turned away while busy (with another dispatcher's task) counts it
   * busy until told otherwise: tell every dispatcher it is idle again. Not once stopping.
   */
  private void announceIdle() {
    if (turnedAway && current == null && !stopping) {
      turnedAway = false;
      vertx.eventBus().publish(Addresses.DISPATCHER_WORKERS, WorkerPresence.idle(name, instance).toJson());
    }
  }

  /** Never null or blank: the failure's message, else its class name. */
  static String reason(Throwable t) {
    String m = t == null ? null : t.getMessage();
    return m != null && !m.isBlank() ? m : t == null ? Job.NO_REASON : t.getClass().getSimpleName();
  }

  /** Reports until the dispatcher records or refuses it; a missing dispatcher is waited for. */
  private Future<Void> report(String address, TaskReport r) {
    Promise<Void> settled = Promise.promise();
    report(address, r, REPORT_TRIES, settled);
    return settled.future();
  }

  private void report(String address, TaskReport r, int triesLeft, Promise<Void> settled) {
    // After a first failure the shared address is used: it finds the task's dispatcher even if it changed.
    String to = triesLeft == REPORT_TRIES ? address : Addresses.TASKS_REPORT;
    vertx.eventBus().request(to, r.toJson(), timeout()).onComplete(ar -> {
      if (ar.succeeded()) {
        settled.tryComplete();
        return;
      }
      Throwable err = ar.cause();
      // 503: no dispatcher answers for the task right now (stopped, or being taken over): offer it again.
      boolean refused = err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() != 503;
      if (refused && ((ReplyException) err).failureCode() == 410) {
        // TEF ended that attempt itself (stalled, cancelled, its worker lost): nothing is wrong here.
        LOG.info("Worker {}: report {} on task {} attempt {} not recorded: {}", name, r.kind(), r.guid(), r.attempt(), err.getMessage());
        settled.tryComplete();
      } else if (refused || triesLeft <= 1) {
        LOG.warn("Worker {}: report {} on task {} attempt {} not recorded: {}", name, r.kind(), r.guid(), r.attempt(), err.getMessage());
        settled.tryComplete();
      } else {
        vertx.setTimer(RETRY_DELAY_MS, id -> report(address, r, triesLeft - 1, settled));
      }
    });
  }

  /**
   * Stops taking tasks; waits up to {@code graceMs} for the running job to end and its result
   * to be recorded, then says offline (the dispatcher queues a task still running here again)
   * and unregisters. An idle slot says offline at once.
   */
  /** Dispatches are refused with 409 "stopping" from now on; the running job goes on. */
  void refuseNewTasks() {
    stopping = true;
  }

  Future<Void> stop(long graceMs) {
    stopping = true;
    firstRegistration.tryFail("stopped");
    Promise<Void> handBack = Promise.promise();
    if (graceMs > 0 && registered) {
      if (current != null) {
        jobEnded = Promise.promise();
        jobEnded.future().onComplete(v -> lastResult.onComplete(r -> handBack.tryComplete()));
      } else {
        lastResult.onComplete(r -> handBack.tryComplete());
      }
      long timer = vertx.setTimer(graceMs, id -> handBack.tryComplete());
      handBack.future().onComplete(v -> vertx.cancelTimer(timer));
    } else {
      handBack.complete();
    }
    return handBack.future().compose(v -> goOffline());
  }

  private Future<Void> goOffline() {
    Job running = current;
    if (running != null) {
      running.abandon(); // handed back: its outcome is no longer reported
      current = null;
      LOG.info("Worker {} hands back task {} attempt {}", name, running.guid(), running.attempt());
    }
    gone = true;
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    Future<Void> offline = !registered ? Future.succeededFuture()
        : vertx.eventBus().request(Addresses.COLLECTIVE_STATUS, new WorkerStatus(name, instance, "offline", null, 0).toJson(), timeout())
            .<Void>mapEmpty().otherwiseEmpty();
    return offline.compose(v -> consumer == null ? Future.<Void>succeededFuture() : consumer.unregister().otherwiseEmpty());
  }

  private static DeliveryOptions timeout() {
    return new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MS);
  }
}
