package io.tef.worker;

import io.tef.protocol.Addresses;
import io.tef.protocol.worker.WorkerRegistration;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TEF worker on the event bus: registers, heartbeats, takes a task per slot, reports working
 * and then the result or the failure, each report carrying the attempt it was given.
 *
 * <pre>{@code
 * TefWorker worker = TefWorker.builder("resizer")
 *     .handle("resize", job -> resize(job.data()))
 *     .slots(4)                              // up to 4 tasks at once: resizer:1 .. resizer:4
 *     .stopGrace(Duration.ofSeconds(30))     // on stop, running tasks get 30 s to finish
 *     .build();
 * vertx.deployVerticle(worker);          // takes work once registered
 * worker.registration().onSuccess(...);  // the registry accepted every slot
 * }</pre>
 *
 * The dispatcher gives one worker name one task at a time, so each slot is its own registered
 * worker ({@link WorkerSlot}); one slot keeps the plain name. A verticle, so that the slots'
 * state lives on one event loop; they share the handlers.
 */
public final class TefWorker extends VerticleBase {

  /** The most slots one worker may have. */
  public static final int MAX_SLOTS = 64;
  private static final String NAME_CHARS = "[A-Za-z0-9_.:-]{1,200}";
  private static final long REQUEST_TIMEOUT_MS = 10_000;

  private final String name;
  private final List<WorkerSlot> slots;
  private final long stopGraceMs;
  private Notifications notifications;

  private TefWorker(String name, Map<String, TaskHandler> handlers, long requestedPingMs, int slotCount, long stopGraceMs) {
    this.name = name;
    this.stopGraceMs = stopGraceMs;
    Map<String, TaskHandler> shared = Map.copyOf(handlers);
    List<WorkerSlot> all = new ArrayList<>();
    for (String n : slotNames(name, slotCount)) {
      all.add(new WorkerSlot(this, n, shared, requestedPingMs));
    }
    this.slots = List.copyOf(all);
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Shared by the slots; made once the worker has its Vert.x. */
  Notifications notifications() {
    if (notifications == null) {
      notifications = new Notifications(vertx);
    }
    return notifications;
  }

  /** The name given to the builder; with several slots, the slots' names start with it. */
  public String name() {
    return name;
  }

  /** The names this worker registers, one per slot: {@code name} alone, or {@code name:1} .. {@code name:N}. */
  public List<String> names() {
    return slots.stream().map(WorkerSlot::name).toList();
  }

  /** The slot names for a worker name and slot count: the name itself for one slot. */
  public static List<String> slotNames(String name, int slots) {
    if (slots == 1) {
      return List.of(name);
    }
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= slots; i++) {
      names.add(name + ":" + i);
    }
    return names;
  }

  /** Completes once the registry has accepted every slot; fails if it refuses one for bad input or a taken name. */
  public Future<Void> registration() {
    return Future.all(slots.stream().map(WorkerSlot::registration).toList()).mapEmpty();
  }

  @Override
  public Future<?> start() {
    return Future.all(slots.stream().map(s -> s.start(vertx, context)).toList());
  }

  /**
   * Submits a task from this worker (Qworker's scheduleTask): {@code when} is "now", an
   * ISO-8601 instant or "in 5 minutes". Completes with the stored task.
   */
  public Future<JsonObject> scheduleTask(String when, String taskType, Object data) {
    JsonObject envelope = new JsonObject().put("type", "task").put("task_type", taskType).put("task_data", data).put("run_at", when);
    return vertx.eventBus().<JsonObject>request(Addresses.TASKS_SUBMIT, envelope, new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MS))
        .map(reply -> reply.body().getJsonObject("task"));
  }

  /**
   * The first half of a stop: from when this completes, every slot refuses a dispatch with 409
   * "stopping", and running tasks go on. Lets a host stopping several workers make them all
   * refuse work before any hands a task back (which the dispatcher would offer to the others).
   */
  public Future<Void> refuseNewTasks() {
    if (context == null) {
      return Future.succeededFuture();
    }
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    context.runOnContext(v -> {
      slots.forEach(WorkerSlot::refuseNewTasks);
      done.complete();
    });
    return done.future();
  }

  /**
   * Stops taking work (a dispatch is refused with 409 "stopping"); running tasks get up to the
   * stop grace to finish and be recorded; whatever still runs then is handed back to the
   * dispatcher (the worker says it is offline) and each slot unregisters.
   */
  @Override
  public Future<?> stop() {
    return Future.all(slots.stream().map(s -> s.stop(stopGraceMs)).toList());
  }

  /** Names the worker and its handlers. */
  public static final class Builder {
    private final String name;
    private final Map<String, TaskHandler> handlers = new LinkedHashMap<>();
    private long pingMs;
    private int slots = 1;
    private long stopGraceMs;

    private Builder(String name) {
      if (name == null || !name.matches(NAME_CHARS)) {
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

    /**
     * Announces its heartbeat interval (100 ms to 1 h; default: the node's); silent for twice as
     * long = offline.
     */
    public Builder pingInterval(Duration interval) {
      if (interval.toMillis() < WorkerRegistration.MIN_PING_MS || interval.toMillis() > WorkerRegistration.MAX_PING_MS) {
        throw new IllegalArgumentException("the ping interval must be from " + WorkerRegistration.MIN_PING_MS + " ms to 1 h, got "
            + interval.toMillis() + " ms");
      }
      this.pingMs = interval.toMillis();
      return this;
    }

    /**
     * Runs up to {@code n} tasks at once (1 to {@value #MAX_SLOTS}; default 1). Each slot
     * registers as its own worker, {@code name:1} .. {@code name:n}; one slot keeps the name.
     */
    public Builder slots(int n) {
      if (n < 1 || n > MAX_SLOTS) {
        throw new IllegalArgumentException("slots must be 1 to " + MAX_SLOTS + ", got " + n);
      }
      this.slots = n;
      return this;
    }

    /**
     * How long a stop waits for running tasks to finish before handing them back (default 0:
     * hand back at once). New tasks are refused meanwhile.
     */
    public Builder stopGrace(Duration grace) {
      if (grace.isNegative()) {
        throw new IllegalArgumentException("the stop grace cannot be negative, got " + grace);
      }
      this.stopGraceMs = grace.toMillis();
      return this;
    }

    public TefWorker build() {
      if (handlers.isEmpty()) {
        throw new IllegalArgumentException("a worker needs at least one task handler");
      }
      String longest = slotNames(name, slots).get(slots - 1);
      if (!longest.matches(NAME_CHARS)) {
        throw new IllegalArgumentException("worker name '" + name + "' is too long for " + slots + " slots ('" + longest + "' is over 200 characters)");
      }
      return new TefWorker(name, handlers, pingMs, slots, stopGraceMs);
    }
  }
}
