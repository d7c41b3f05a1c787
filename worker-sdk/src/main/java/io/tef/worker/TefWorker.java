package io.tef.worker;

import io.tef.core.Addresses;
import io.tef.core.protocol.TaskReport;
import io.tef.core.protocol.WorkerPresence;
import io.tef.core.protocol.WorkerRegistration;
import io.tef.core.protocol.WorkerStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A TEF worker on the event bus: registers, heartbeats, takes one task at a time, reports
 * working and then the result or the failure, each report carrying the attempt it was given.
 *
 * <pre>{@code
 * TefWorker worker = TefWorker.builder("resizer-1")
 *     .handle("resize", job -> resize(job.data()))
 *     .build();
 * vertx.deployVerticle(worker);          // takes work once registered
 * worker.registration().onSuccess(...);  // the registry accepted it
 * }</pre>
 *
 * A verticle, so that its state lives on one event loop.
 */
public final class TefWorker extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(TefWorker.class);
  private static final long REQUEST_TIMEOUT_MS = 10_000;
  private static final long RETRY_DELAY_MS = 1_000;
  /** A result is offered for an hour while no dispatcher answers (its node restarting): it is not lost. */
  private static final int REPORT_TRIES = 3600;

  private final String name;
  private final String instance = UUID.randomUUID().toString();
  private final Map<String, TaskHandler> handlers;
  private final Promise<Void> firstRegistration = Promise.promise();

  private MessageConsumer<JsonObject> consumer;
  private long pingIntervalMs = 5_000;
  private long firstRefusalAt;
  private long heartbeatTimer = -1;
  private boolean registered;
  private boolean stopped;
  /** A task was refused because this worker was busy: dispatchers must hear when it is idle again. */
  private boolean turnedAway;
  private Job current;

  private TefWorker(String name, Map<String, TaskHandler> handlers, long requestedPingMs) {
    this.name = name;
    this.handlers = Map.copyOf(handlers);
    this.requestedPingMs = requestedPingMs;
  }

  /** The ping interval this worker asks for at registration; 0: the node's. */
  private final long requestedPingMs;

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  /** Completes once the registry has accepted this worker; fails if it refuses it for bad input. */
  public Future<Void> registration() {
    return firstRegistration.future();
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(Addresses.worker(name), this::onTask);
    return consumer.completion().onSuccess(v -> register());
  }

  private void register() {
    if (stopped) {
      return;
    }
    if (requestedPingMs > 0) {
      pingIntervalMs = requestedPingMs;
    }
    WorkerRegistration r = new WorkerRegistration(name, instance, new ArrayList<>(handlers.keySet()),
        System.getenv().getOrDefault("HOSTNAME", "localhost"), ProcessHandle.current().pid(), requestedPingMs, null, null,
        current == null ? null : current.guid(), current == null ? 0 : current.attempt());
    vertx.eventBus().<JsonObject>request(Addresses.REGISTRY_REGISTER, r.toJson(), timeout())
        .onSuccess(reply -> {
          registered = true;
          pingIntervalMs = reply.body().getLong("ping_interval_ms", pingIntervalMs);
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
          boolean heldTooLong = code == 409 && System.nanoTime() - firstRefusalAt > java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(3 * pingIntervalMs + RETRY_DELAY_MS);
          if (refused && (code == 400 || heldTooLong) && !registered) {
            LOG.error("Worker {} refused by the registry: {}", name, err.getMessage());
            firstRegistration.tryFail(err);
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
    if (!registered || stopped) {
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.COLLECTIVE_STATUS, status().toJson(), timeout())
        .onFailure(err -> {
          if (err instanceof ReplyException re && re.failureCode() == 404) {
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
    if (m.body() != null && "abandon".equals(m.body().getString("type"))) {
      onAbandon(m);
      return;
    }
    Job job;
    try {
      job = Job.from(m.body());
    } catch (RuntimeException e) {
      m.fail(400, "not a task assignment: " + e.getMessage());
      return;
    }
    TaskHandler handler = handlers.get(job.taskType());
    if (stopped || current != null || handler == null) {
      turnedAway |= current != null;
      m.fail(409, stopped ? "stopping" : current != null ? "busy with " + current.guid() : "no handler for " + job.taskType());
      return;
    }
    current = job;
    job.reportTo(r -> {
      if (!job.abandoned()) {
        vertx.eventBus().request(job.reportAddress(), r.toJson(), timeout());
      }
    }, this);
    // The reply is the "working" report: the dispatcher records the start when it arrives.
    m.reply(new JsonObject().put("accepted", true));
    Future<Object> outcome;
    try {
      outcome = handler.handle(job);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    outcome.onComplete(ar -> {
      if (job.abandoned()) {
        return; // the dispatcher took it back; this outcome would be refused anyway
      }
      if (current == job) {
        current = null;
      }
      report(job.reportAddress(), ar.succeeded()
          ? TaskReport.completed(job.guid(), job.attempt(), name, ar.result())
          : TaskReport.failed(job.guid(), job.attempt(), name, reason(ar.cause())));
      announceIdle();
    });
  }

  /**
   * Submits a task from this worker (Qworker's scheduleTask): {@code when} is "now", an
   * ISO-8601 instant or "in 5 minutes". Completes with the stored task.
   */
  public Future<JsonObject> scheduleTask(String when, String taskType, Object data) {
    JsonObject envelope = new JsonObject().put("type", "task").put("task_type", taskType).put("task_data", data).put("run_at", when);
    return vertx.eventBus().<JsonObject>request(Addresses.TASKS_SUBMIT, envelope, timeout())
        .map(reply -> reply.body().getJsonObject("task"));
  }

  /** The dispatcher took the task back (stalled or cancelled): drop it and be free for work. */
  private void onAbandon(Message<JsonObject> m) {
    Job job = current;
    String guid = m.body().getString("guid");
    if (job != null && job.guid().equals(guid) && job.attempt() == m.body().getInteger("attempt", -1)) {
      job.abandon();
      current = null;
      LOG.info("Worker {} abandoned task {} attempt {}", name, guid, job.attempt());
    }
    m.reply(new JsonObject().put("abandoned", true));
    announceIdle();
  }

  /**
   * A dispatcher this worker turned away while busy (with another dispatcher's task) counts it
   * busy until told otherwise: tell every dispatcher it is idle again.
   */
  private void announceIdle() {
    if (turnedAway && current == null) {
      turnedAway = false;
      vertx.eventBus().publish(Addresses.DISPATCHER_WORKERS, WorkerPresence.idle(name, instance).toJson());
    }
  }

  private static String reason(Throwable t) {
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  /** Reports until the dispatcher records or refuses it; a missing dispatcher is waited for. */
  private void report(String address, TaskReport r) {
    report(address, r, REPORT_TRIES);
  }

  private void report(String address, TaskReport r, int triesLeft) {
    // After a first failure the shared address is used: it finds the task's dispatcher even if it changed.
    String to = triesLeft == REPORT_TRIES ? address : Addresses.TASKS_REPORT;
    vertx.eventBus().request(to, r.toJson(), timeout()).onFailure(err -> {
      boolean refused = err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE;
      if (refused || triesLeft <= 1) {
        LOG.warn("Worker {}: report {} on task {} attempt {} not recorded: {}", name, r.kind(), r.guid(), r.attempt(), err.getMessage());
      } else {
        vertx.setTimer(RETRY_DELAY_MS, id -> report(address, r, triesLeft - 1));
      }
    });
  }

  /** Stops taking work and says so; a running task is handed back to the dispatcher. */
  @Override
  public Future<?> stop() {
    stopped = true;
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    firstRegistration.tryFail("stopped");
    Future<Void> unregister = consumer == null ? Future.succeededFuture() : consumer.unregister();
    if (!registered) {
      return unregister;
    }
    WorkerStatus offline = new WorkerStatus(name, instance, "offline", null, 0);
    return unregister.compose(v -> vertx.eventBus().request(Addresses.COLLECTIVE_STATUS, offline.toJson(), timeout()))
        .<Void>mapEmpty().otherwiseEmpty();
  }

  private static DeliveryOptions timeout() {
    return new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MS);
  }

  /** Names the worker and its handlers. */
  public static final class Builder {
    private final String name;
    private final Map<String, TaskHandler> handlers = new LinkedHashMap<>();

    private Builder(String name) {
      if (name == null || !name.matches("[A-Za-z0-9_.:-]{1,200}")) {
        throw new IllegalArgumentException("worker name must be 1 to 200 characters of letters, digits and _ . : -, got '" + name + "'");
      }
      this.name = name;
    }

    public Builder handle(String taskType, TaskHandler handler) {
      handlers.put(taskType, handler);
      return this;
    }

    public Builder handleAll(Map<String, TaskHandler> more) {
      handlers.putAll(more);
      return this;
    }

    /** Asks the node to expect a heartbeat this often (at least 100 ms); silent for twice as long = offline. */
    public Builder pingInterval(java.time.Duration interval) {
      if (interval.toMillis() < WorkerRegistration.MIN_PING_MS) {
        throw new IllegalArgumentException("the ping interval must be at least " + WorkerRegistration.MIN_PING_MS + " ms, got " + interval.toMillis() + " ms");
      }
      this.pingMs = interval.toMillis();
      return this;
    }

    private long pingMs;

    public TefWorker build() {
      if (handlers.isEmpty()) {
        throw new IllegalArgumentException("a worker needs at least one task handler");
      }
      return new TefWorker(name, handlers, pingMs);
    }
  }
}
