package io.tef.dispatcher;

import io.tef.protocol.Addresses;
import io.tef.core.config.TefConfig;
import io.tef.protocol.DispatcherState;
import io.tef.protocol.worker.TaskReport;
import io.tef.protocol.worker.WorkerPresence;
import io.tef.core.store.InsertOutcome;
import io.tef.core.store.TaskStore;
import io.tef.core.task.Task;
import io.tef.protocol.task.TaskEnvelope;
import io.tef.core.task.TaskJson;
import io.tef.protocol.task.TaskState;
import io.tef.protocol.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tef.core.resource.ResourceDefinition;
import io.tef.core.resource.ResourceHold;
import io.tef.core.store.LeaseStore;
import io.tef.core.store.ResourceStore;
import io.vertx.core.eventbus.ReplyException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The dispatcher's state and rules. Runs on the verticle's event loop only, so its maps need no
 * locks. The store is written through: it is the record; these maps are the index that lets a
 * dispatch happen without a store query.
 */
final class Dispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  private static final long NOTE_SAVE_MS = 1000;

  private final Vertx vertx;
  private final Clock clock;
  private final ResourceGate gate;
  private final List<ResourceDefinition> configuredResources;
  private final ResourceStore resourceStore;
  private final String instance;
  private final java.time.ZoneId zone;
  private final TaskStore store;
  private final StoreWriter writer;
  private final String nodeName;
  private final TaskTypeDefaults defaults;
  private final RetryBackoff backoff;
  private final long dispatchTimeoutMs;
  /** dispatcher.start_write_delay_ms: how long a task runs before its start is written. */
  private final long startWriteDelayMs;

  /** Every task not yet terminal, by guid. */
  private final Map<String, Task> live = new HashMap<>();
  /** Tasks waiting for their run time (a retry's backoff), by guid: the timer that queues them. */
  private final Map<String, Long> waiting = new HashMap<>();
  /** Pending saves of progress and log lines, by guid. */
  private final Map<String, Long> noteSaves = new HashMap<>();
  /** Start writes waiting for start_write_delay_ms, by guid. */
  private final Map<String, Long> startSaves = new HashMap<>();
  /** Running tasks' time-limit timers, by guid. */
  private final Map<String, Long> stallTimers = new HashMap<>();
  private final TaskQueue queue = new TaskQueue();
  private final WorkerPool workers = new WorkerPool();
  private DispatcherState state = DispatcherState.RUNNING;
  /** Suites whose new tasks are held as they arrive. */
  private final java.util.Set<String> pausedSuites = new java.util.HashSet<>();
  /** Running tasks taken from the store, waiting for their worker to come back: the timer that gives up on it. */
  private final Map<String, Long> rejoinTimers = new HashMap<>();
  private final long rejoinGraceMs;
  /** Attempts taken back from their workers (stalled, cancelled) that the workers have not let go of yet. */
  private final Abandons abandons;
  /** Attempts TEF ended while a worker may still run them: their late reports are refused as gone (410). */
  private final EndedAttempts ended = new EndedAttempts();

  /** A worker's task while it runs another dispatcher's task: busy, but not for us. */
  private static final String BUSY_ELSEWHERE = "(busy elsewhere)";
  private final Ownership ownership;
  private final LeaseStore leases;

  private final TaskTypeDefaults.Source taskTypes;
  private final io.tef.protocol.json.JsonLimits limits;

  Dispatcher(Vertx vertx, TaskStore store, ResourceStore resources, LeaseStore leases, TaskTypeDefaults.Source taskTypes,
             TefConfig config, Clock clock) {
    this.taskTypes = taskTypes;
    this.limits = config.limits().json();
    this.vertx = vertx;
    this.clock = clock;
    this.store = store;
    this.configuredResources = config.resourceDefinitions();
    this.resourceStore = resources;
    this.zone = config.dispatcher().zone();
    this.instance = config.node().name() + "/" + UUID.randomUUID().toString().substring(0, 8);
    this.gate = new ResourceGate(vertx, resources, store, clock, instance, config.dispatcher().dispatchTimeoutMs() + 1000, this::unparked);
    this.abandons = new Abandons(vertx, workers, gate, config.dispatcher().dispatchTimeoutMs(), new Abandons.Outcome() {
      @Override
      public void free(WorkerPool.Worker w) {
        workers.release(w);
        dispatchTo(w);
      }

      @Override
      public void lose(WorkerPool.Worker w, String why) {
        Dispatcher.this.lose(w, why, null);
      }
    });
    this.writer = new StoreWriter(store);
    this.nodeName = config.node().name();
    this.defaults = new TaskTypeDefaults(config.dispatcher().taskDefaults());
    this.backoff = new RetryBackoff(config.dispatcher().retryBackoffBaseMs(), config.dispatcher().retryBackoffCapMs());
    this.dispatchTimeoutMs = config.dispatcher().dispatchTimeoutMs();
    this.startWriteDelayMs = config.dispatcher().startWriteDelayMs();
    this.leases = leases;
    this.rejoinGraceMs = 2 * config.collective().pingIntervalMs() + 1000;
    this.ownership = new Ownership(vertx, leases, store, clock, instance, nodeName, config.dispatcher().leaseRenewMs(),
        config.dispatcher().leaseTtlMs(), this::adopt, this::dispatchAll, this::letGo);
  }

  String instance() {
    return instance;
  }

  void announce() {
    ownership.announce();
  }

  void taskTypeEvent(JsonObject event) {
    defaults.onEvent(event);
  }

  void peerStarted(JsonObject announcement) {
    if (announcement.getString("event") == null) {
      ownership.peerStarted(announcement);
    }
  }

  /** The other live dispatchers, which control messages are passed on to. */
  List<String> otherDispatchers() {
    return ownership.liveOthers();
  }

  Future<JsonObject> forwardControl(String other, JsonObject message) {
    return forward(other, "control", message);
  }

  /**
   * Takes the lease, then the unfinished tasks this dispatcher now answers for: those of dead
   * dispatchers (its own earlier run included), never those of a live one.
   */
  Future<Void> recover() {
    return gate.start(configuredResources).compose(v -> defaults.load(taskTypes)).compose(v -> ownership.start()).map(tasks -> {
      adopt(tasks);
      return null;
    });
  }

  /**
   * A working task taken over from the store keeps its attempt while its worker has 2 x ping +
   * 1 s to register again saying it still runs it (or to report its end, which the fence
   * accepts: same attempt, same worker). Otherwise it is queued again under a new attempt.
   */
  private void awaitRejoin(Task t) {
    cancelTimer(rejoinTimers, t.guid());
    rejoinTimers.put(t.guid(), vertx.setTimer(rejoinGraceMs, id -> {
      rejoinTimers.remove(t.guid());
      Task now = live.get(t.guid());
      WorkerPool.Worker w = now == null ? null : workers.get(now.worker());
      if (now != null && now.state() == TaskState.WORKING && now.attempt() == t.attempt() && (w == null || !now.guid().equals(w.guid))) {
        LOG.info("Task {} attempt {}: worker {} did not come back within {} ms; queued again", now.guid(), now.attempt(), now.worker(), rejoinGraceMs);
        cancelTimer(stallTimers, now.guid());
        ended.ended(now, "queued again: its worker did not come back after its dispatcher restarted");
        Task back = now.requeued(nodeName);
        live.put(back.guid(), back);
        writer.save(back);
        enqueue(back);
      }
    }));
  }

  /**
   * Answers for these stored tasks from now on. One that was dispatched when its dispatcher
   * died goes back to the queue; its old attempt is fenced off by the next. One that was
   * working waits for its worker a moment (see {@link #awaitRejoin}).
   */
  private void adopt(List<Task> tasks) {
    int requeued = 0;
    int adopted = 0;
    // Submission order survives a restart: equal priorities stay first come, first served.
    List<Task> ordered = tasks.stream()
        .sorted(Comparator.comparing(Task::createdAt, Comparator.nullsFirst(Comparator.naturalOrder())).thenComparing(Task::guid))
        .toList();
    for (Task stored : ordered) {
      if (live.containsKey(stored.guid())) {
        continue;
      }
      Task t = stored.withOwner(instance);
      if (t.state() == TaskState.WORKING && t.worker() != null) {
        WorkerPool.Worker w = workers.get(t.worker());
        live.put(t.guid(), t);
        adopted++;
        if (w != null && (w.guid == null || BUSY_ELSEWHERE.equals(w.guid))) {
          // A live worker this dispatcher knows runs it (for the dispatcher that died): it goes on.
          workers.assign(w, t.guid());
          armStallTimer(t);
        } else {
          // Its worker may still be running it, only cut off from the dispatcher that died: give it
          // time to come back and say so (or report the result), before another attempt starts.
          awaitRejoin(t);
        }
        continue;
      }
      if (t.state() == TaskState.DISPATCHED || t.state() == TaskState.WORKING) {
        ended.ended(t, "queued again after its dispatcher restarted");
        t = t.requeued(nodeName);
        writer.save(t);
        requeued++;
      }
      live.put(t.guid(), t);
      if (t.state() == TaskState.PAUSED && t.suiteGuid() != null) {
        pausedSuites.add(t.suiteGuid());
      }
      enqueue(t);
      adopted++;
    }
    LOG.info("Dispatcher {} answers for {} unfinished tasks from the store ({} were running and are queued again)", instance, adopted, requeued);
  }

  /**
   * Validates and stores a TEF envelope; the reply is sent only once the task is durable. A
   * second submission of a guid changes nothing, unless the guid came from a unique key (or a
   * repeating task's type): then it redefines the task.
   */
  Future<JsonObject> submit(JsonObject envelope, boolean forwarded) {
    TaskEnvelope e = TaskEnvelope.parse(envelope, defaults.forEnvelope(envelope), limits);
    if (ownership.lost()) {
      throw new ValidationException(503, null, "this dispatcher was taken over by another and accepts nothing more; try again");
    }
    String guid = e.guid() != null ? e.guid() : UUID.randomUUID().toString();
    Task known = live.get(guid);
    if (known != null) {
      return e.keyed() ? redefine(known, e) : Future.succeededFuture(submitReply(known, false));
    }
    Task accepted = Task.accepted(e, guid, now(), nodeName, instance);
    Task task = accepted.suiteGuid() != null && pausedSuites.contains(accepted.suiteGuid()) ? accepted.paused(nodeName) : accepted;
    return store.insert(task).compose((InsertOutcome outcome) -> {
      if (outcome.created() && !live.containsKey(guid)) {
        live.put(guid, outcome.task());
        enqueue(outcome.task());
      }
      if (!outcome.created() && e.keyed()) {
        Task current = live.get(guid);
        if (current != null) {
          return redefine(current, e);
        }
        return redefineStored(outcome.task(), e, envelope, forwarded);
      }
      return Future.succeededFuture(submitReply(outcome.task(), outcome.created()));
    });
  }

  /**
   * A keyed submission of a task this dispatcher does not hold: the dispatcher that answers for
   * it redefines it; an ended task is revived by whoever claims it first.
   */
  private Future<JsonObject> redefineStored(Task stored, TaskEnvelope e, JsonObject envelope, boolean forwarded) {
    if (!stored.state().terminal()) {
      String owner = ownership.liveOwner(stored.owner());
      if (owner != null && !owner.equals(instance) && !forwarded) {
        return forward(owner, "submit", envelope);
      }
      throw new ValidationException(503, "guid", "task '" + stored.guid() + "' belongs to a dispatcher that is being taken over; submit again shortly");
    }
    return leases.takeOver("revive:" + stored.guid() + "#" + stored.attempt() + "@" + stored.finishedAt(), instance).compose(won -> {
      if (!won) {
        return Future.succeededFuture(submitReply(stored, false));
      }
      return redefine(stored.withOwner(instance), e);
    });
  }

  /** Hands a message to the dispatcher instance that answers for its task, and relays its answer. */
  private Future<JsonObject> forward(String owner, String op, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(Addresses.dispatcher(owner), body,
        new DeliveryOptions().setSendTimeout(dispatchTimeoutMs).addHeader(OP, op).addHeader(FORWARDED, "true")).map(m -> m.body());
  }

  static final String OP = "op";
  static final String FORWARDED = "forwarded";

  /** Agenda's unique: the stored task takes the new definition; one that had ended runs again. */
  private Future<JsonObject> redefine(Task existing, TaskEnvelope e) {
    Instant runAt = e.runAt() != null ? io.tef.protocol.task.RunAt.parse(e.runAt(), now(), "run_at").truncatedTo(ChronoUnit.MILLIS)
        : existing.state().terminal() ? now() : existing.runAt();
    Task next = existing.redefined(e, runAt, nodeName);
    live.put(next.guid(), next);
    if (existing.state() == TaskState.QUEUED) {
      queue.remove(next.guid(), existing.taskType());
      cancelTimer(waiting, next.guid());
    }
    if (next.state() == TaskState.QUEUED) {
      enqueue(next);
    }
    LOG.info("Task {} redefined by a submission with the same key ({})", next.guid(), next.state().wire());
    return writer.save(next).map(v -> submitReply(next, false).put("updated", true));
  }

  private static JsonObject submitReply(Task task, boolean created) {
    return new JsonObject().put("created", created).put("task", TaskJson.toView(task));
  }

  /**
   * A worker's report. Anything but the current attempt of a running task is refused and not
   * recorded: this is the fence that makes completion exactly-once.
   */
  Future<JsonObject> report(TaskReport r, boolean forwarded) {
    Task t = live.get(r.guid());
    if (!runs(t, r)) {
      abandons.lateReport(r);
      EndedAttempts.Ended gone = ended.find(r);
      if (gone != null) {
        throw EndedAttempts.gone(r, gone);
      }
    }
    if (t == null && !forwarded) {
      return store.find(r.guid()).compose(stored -> {
        String owner = stored == null ? null : ownership.liveOwner(stored.owner());
        if (owner != null && !owner.equals(instance)) {
          return forward(owner, "report", r.toJson());
        }
        if (owner == null && stored != null && !stored.state().terminal()) {
          // Its dispatcher died and nobody has taken its tasks over yet: ask the worker to report again.
          throw new ValidationException(503, "guid", "the dispatcher of task " + r.guid() + " is being taken over; report again shortly");
        }
        return report(r, true);
      });
    }
    if (!runs(t, r)) {
      throw new ValidationException(409, "attempt", "refused: task " + r.guid() + " attempt " + r.attempt()
          + " by " + r.worker() + " is not a running attempt" + (t == null ? "" : " (task is " + t.state().wire() + ", attempt " + t.attempt() + ")"));
    }
    if (state == DispatcherState.STOPPED && (r.kind() == TaskReport.Kind.COMPLETED || r.kind() == TaskReport.Kind.FAILED)) {
      throw new ValidationException(503, "state", "the dispatcher is stopped and records no endings until it runs again; report again later");
    }
    Instant now = now();
    return switch (r.kind()) {
      case WORKING -> {
        started(t, r.worker());
        yield Future.succeededFuture(new JsonObject().put("recorded", true));
      }
      case PROGRESS -> {
        note(t.withProgress(r.progress()));
        yield Future.succeededFuture(new JsonObject().put("recorded", true));
      }
      case LOG -> {
        note(t.withLog(new JsonObject().put("at", now.toString()).put("attempt", r.attempt())
            .put("level", r.level()).put("message", r.message())));
        yield Future.succeededFuture(new JsonObject().put("recorded", true));
      }
      case COMPLETED -> {
        String refused = refusedResult(r.result());
        if (refused == null) {
          yield finish(t.completed(r.result(), now, r.worker()));
        }
        // A result no store can keep must not leave the task running: the attempt fails, saying why.
        Task failed = t.attemptFailed(refused, now, now.plus(backoff.after(t.failCount() + 1)), r.worker());
        yield failed.state().terminal() ? finish(failed) : retry(failed);
      }
      case FAILED -> {
        Task failed = t.attemptFailed(r.reason(), now, now.plus(backoff.after(t.failCount() + 1)), r.worker());
        yield failed.state().terminal() ? finish(failed) : retry(failed);
      }
    };
  }

  /** Whether the report names the running attempt of the task and the worker it was given to: the fence. */
  private static boolean runs(Task t, TaskReport r) {
    return t != null && t.attempt() == r.attempt() && r.worker().equals(t.worker())
        && (t.state() == TaskState.DISPATCHED || t.state() == TaskState.WORKING);
  }

  /** Why a worker's result cannot be kept (the message limits), or null when it can. */
  private String refusedResult(Object result) {
    try {
      limits.check(result, "result");
      return null;
    } catch (ValidationException e) {
      return "the result was refused: " + e.field() + " " + e.getMessage();
    }
  }

  /**
   * The worker has the task: dispatched becomes working, and this is the one write between
   * accepting and finishing. It records the attempt (the fencing token) and the worker, so both
   * survive a restart. A second "working" for the same attempt writes nothing.
   */
  private void started(Task t, String by) {
    if (t.state() == TaskState.DISPATCHED) {
      Task working = t.working(now(), by);
      live.put(working.guid(), working);
      armStallTimer(working);
      if (startWriteDelayMs == 0) {
        writer.save(working);
        return;
      }
      // Written only once it has run a moment: a task that ends sooner costs no start write, its
      // end write carries the start. A crash within the delay leaves the task queued in the
      // store, as a crash between dispatch and the worker's reply always did: it runs again.
      cancelTimer(startSaves, working.guid());
      startSaves.put(working.guid(), vertx.setTimer(startWriteDelayMs, id -> {
        startSaves.remove(working.guid());
        saveStart(working.guid(), working.attempt());
      }));
    }
  }

  /** Writes the start of the attempt if it still runs and no progress save is about to write it anyway. */
  private void saveStart(String guid, int attempt) {
    Task now = live.get(guid);
    if (now != null && now.state() == TaskState.WORKING && now.attempt() == attempt && !noteSaves.containsKey(guid)) {
      writer.save(now);
    }
  }

  /**
   * Progress and log lines change the task in memory at once and reach the store at most once
   * per {@link #NOTE_SAVE_MS} per task (a chatty worker costs one write a second, not one a
   * line); the task's final write carries them all in any case.
   */
  private void note(Task t) {
    live.put(t.guid(), t);
    if (!noteSaves.containsKey(t.guid())) {
      noteSaves.put(t.guid(), vertx.setTimer(NOTE_SAVE_MS, id -> {
        noteSaves.remove(t.guid());
        Task current = live.get(t.guid());
        if (current != null) {
          writer.save(current);
        }
      }));
    }
  }

  /** A task working longer than its time_limit is stalled: the attempt fails and the worker is told to abandon it. */
  private void armStallTimer(Task t) {
    cancelTimer(stallTimers, t.guid());
    stallTimers.put(t.guid(), vertx.setTimer(t.timeLimit() * 1000L, id -> {
      stallTimers.remove(t.guid());
      Task now = live.get(t.guid());
      if (now == null || now.attempt() != t.attempt() || !now.state().equals(TaskState.WORKING)) {
        return;
      }
      if (state == DispatcherState.STOPPED) {
        armStallTimer(now); // stopped records no endings; look again later
        return;
      }
      String reason = "stalled: working longer than its time_limit of " + now.timeLimit() + " s on " + now.worker();
      LOG.warn("Task {} attempt {} {}", now.guid(), now.attempt(), reason);
      String workerName = now.worker();
      Task failed = now.attemptFailed(reason, now(), now().plus(backoff.after(now.failCount() + 1)), nodeName);
      ended.ended(now, "stalled");
      abandons.abandon(workerName, now);
      if (failed.state().terminal()) {
        finish(failed);
      } else {
        retry(failed);
      }
    }));
  }

  /** Cancels a task: a queued one at once, a running one too, its worker told to abandon it. */
  Future<JsonObject> cancel(String guid, boolean forwarded) {
    Task t = live.get(guid);
    if (t == null) {
      return store.find(guid).compose(stored -> {
        if (stored == null) {
          throw new ValidationException(404, "guid", "no task with guid '" + guid + "'");
        }
        String owner = stored.state().terminal() ? null : ownership.liveOwner(stored.owner());
        if (owner != null && !owner.equals(instance) && !forwarded) {
          return forward(owner, "cancel", new JsonObject().put("guid", guid));
        }
        if (!stored.state().terminal()) {
          throw new ValidationException(503, "guid", "task '" + guid + "' belongs to a dispatcher that is being taken over; cancel again shortly");
        }
        throw new ValidationException(409, "guid", "task '" + guid + "' is " + stored.state().wire() + " already");
      });
    }
    queue.remove(guid, t.taskType());
    cancelTimer(waiting, guid);
    Task cancelled = t.cancelled(now(), nodeName);
    if (t.state() == TaskState.DISPATCHED || t.state() == TaskState.WORKING) {
      ended.ended(t, "cancelled");
    }
    abandons.abandon(t.worker(), t);
    return finish(cancelled).map(v -> new JsonObject().put("task", TaskJson.toView(cancelled)));
  }

  /**
   * TEF's pause_suite: the suite's queued tasks are held (state paused), and so are tasks
   * submitted to it later, until ready_suite. Running tasks finish.
   */
  JsonObject pauseSuite(String suite) {
    pausedSuites.add(suite);
    int n = 0;
    for (Task t : suiteTasks(suite)) {
      if (t.state() == TaskState.QUEUED) {
        queue.remove(t.guid(), t.taskType());
        cancelTimer(waiting, t.guid());
        Task held = t.paused(nodeName);
        live.put(held.guid(), held);
        writer.save(held);
        n++;
      }
    }
    LOG.info("Suite {} paused: {} tasks held", suite, n);
    return new JsonObject().put("suite_guid", suite).put("paused", n);
  }

  /** TEF's ready_suite: held tasks of the suite go back to the queue. */
  JsonObject readySuite(String suite) {
    pausedSuites.remove(suite);
    int n = 0;
    for (Task t : suiteTasks(suite)) {
      if (t.state() == TaskState.PAUSED) {
        Task back = t.requeued(nodeName);
        live.put(back.guid(), back);
        writer.save(back);
        enqueue(back);
        n++;
      }
    }
    LOG.info("Suite {} ready: {} tasks queued again", suite, n);
    return new JsonObject().put("suite_guid", suite).put("queued", n);
  }

  /** TEF's stop_suite: every unfinished task of the suite is cancelled; running ones are abandoned by their workers. */
  Future<JsonObject> stopSuite(String suite) {
    pausedSuites.remove(suite);
    List<Future<JsonObject>> cancels = suiteTasks(suite).stream().map(t -> cancel(t.guid(), true)).toList();
    LOG.info("Suite {} stopped: {} tasks cancelled", suite, cancels.size());
    return Future.join(cancels).map(v -> new JsonObject().put("suite_guid", suite).put("cancelled", cancels.size()));
  }

  private List<Task> suiteTasks(String suite) {
    return live.values().stream().filter(t -> suite.equals(t.suiteGuid())).toList();
  }

  /** TEF's res_man over the event bus: put, get, delete, list. */
  Future<JsonObject> resources(JsonObject message) {
    String op = io.tef.protocol.Fields.requireString(message, "op");
    return switch (op) {
      case "list" -> resourceStore.definitions().compose(defs -> resourceStore.holds().map(holds -> {
        io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
        defs.stream().sorted(Comparator.comparing(ResourceDefinition::name)).forEach(d -> list.add(gate.view(d, holds)));
        return new JsonObject().put("resources", list);
      }));
      case "get" -> {
        String name = io.tef.protocol.Fields.requireString(message, "name");
        yield resourceStore.definition(name).compose(def -> {
          if (def == null) {
            throw new ValidationException(404, "name", "no resource named '" + name + "' (an undefined name is unlimited)");
          }
          return resourceStore.holds().map(holds -> gate.view(def, holds));
        });
      }
      case "put" -> {
        String name = io.tef.protocol.Fields.requireString(message, "name");
        ResourceDefinition def = ResourceDefinition.parse(name, io.tef.protocol.Fields.optionalObject(message, "definition"), zone, "");
        yield resourceStore.definition(name).compose(before -> resourceStore.put(def).map(v -> {
          gate.define(def);
          vertx.eventBus().publish(Addresses.EVENTS_RESOURCES, new JsonObject().put("event", "defined").put("definition", def.toJson()).put("owner", instance));
          LOG.info("Resource {} defined: {}", name, def.toJson().encode());
          return def.toJson().put("created", before == null);
        }));
      }
      case "delete" -> {
        String name = io.tef.protocol.Fields.requireString(message, "name");
        yield resourceStore.delete(name).map(deleted -> {
          if (!deleted) {
            throw new ValidationException(404, "name", "no resource named '" + name + "'");
          }
          gate.undefine(name);
          vertx.eventBus().publish(Addresses.EVENTS_RESOURCES, new JsonObject().put("event", "deleted").put("resource", name).put("owner", instance));
          LOG.info("Resource {} deleted: the name is unlimited now", name);
          return new JsonObject().put("deleted", name);
        });
      }
      default -> throw new ValidationException("op", "unknown resource operation '" + op + "'; one of put, get, delete, list");
    };
  }

  void resourceEvent(JsonObject event) {
    gate.onEvent(event);
  }

  DispatcherState state() {
    return state;
  }

  void setState(DispatcherState next) {
    if (next == state) {
      return;
    }
    LOG.info("STATE_CHANGE|{}|{}", state.wire(), next.wire());
    state = next;
    dispatchAll();
  }

  /**
   * Taken over by another dispatcher: every task here is that one's now. Forget them all, so
   * that their reports are passed on to it (and fenced by attempt) instead of recorded here.
   */
  private void letGo() {
    List.of(waiting, stallTimers, noteSaves, startSaves, rejoinTimers).forEach(timers -> {
      timers.values().forEach(vertx::cancelTimer);
      timers.clear();
    });
    live.clear();
    queue.clear();
  }

  private void dispatchAll() {
    if (state == DispatcherState.RUNNING) {
      for (String type : queue.types()) {
        dispatchType(type);
      }
    }
  }

  private void cancelTimer(Map<String, Long> timers, String guid) {
    Long id = timers.remove(guid);
    if (id != null) {
      vertx.cancelTimer(id);
    }
  }

  /**
   * A task has ended: its final state is written, then published. A repeating task's run ends
   * the same way (the run is published), but its document goes back to the queue for the next
   * run, in the same write.
   */
  private Future<JsonObject> finish(Task done) {
    cancelTimer(rejoinTimers, done.guid());
    Task next = done.repeat() != null && done.state() != TaskState.CANCELLED ? nextRun(done) : null;
    if (next == null) {
      live.remove(done.guid());
    } else {
      live.put(next.guid(), next);
    }
    releaseResources(done);
    cancelTimer(stallTimers, done.guid());
    cancelTimer(noteSaves, done.guid());
    cancelTimer(startSaves, done.guid());
    freeWorkerOf(done);
    Future<Void> saved = writer.save(next != null ? next : done);
    if (next != null) {
      enqueue(next);
    }
    return saved.map(v -> {
      vertx.eventBus().publish(Addresses.EVENTS_TASKS, TaskJson.toView(done));
      return new JsonObject().put("recorded", true).put("state", done.state().wire());
    });
  }

  /**
   * The repeating task's next run, or null when its schedule has none (the series ends with this
   * run): a schedule that throws must never keep a run from being recorded and its worker busy.
   */
  private Task nextRun(Task done) {
    try {
      return done.nextRun(nextRunAt(done), done.lastModifiedBy());
    } catch (RuntimeException e) {
      LOG.warn("Repeating task {} ends its series: its schedule '{}' gives no next run ({})", done.guid(), done.repeat().every(), e.getMessage());
      return null;
    }
  }

  /**
   * An interval counts from the run's start, a cron expression from now; a run that overran its
   * interval is followed at once, never by a pile of missed runs.
   */
  private Instant nextRunAt(Task done) {
    Instant now = now();
    Instant from = done.repeat().isInterval() && done.startedAt() != null ? done.startedAt() : now;
    Instant next = done.repeat().next(from, zone).truncatedTo(ChronoUnit.MILLIS);
    if (next.isAfter(io.tef.protocol.task.RunAt.LATEST)) {
      throw new IllegalStateException("the next run would be after " + io.tef.protocol.task.RunAt.LATEST);
    }
    return next.isBefore(now) ? now : next;
  }

  private Future<JsonObject> retry(Task failed) {
    Task queued = failed.requeued(failed.lastModifiedBy());
    live.put(queued.guid(), queued);
    cancelTimer(stallTimers, queued.guid());
    releaseResources(failed);
    freeWorkerOf(failed);
    Future<Void> saved = writer.save(queued);
    enqueue(queued);
    LOG.info("Task {} failed attempt {} ({}); retry {} of {} at {}", queued.guid(), failed.attempt(), failed.failReason(),
        queued.failCount() + 1, queued.maxAttempts(), queued.runAt());
    return saved.map(v -> new JsonObject().put("recorded", true).put("state", queued.state().wire()));
  }

  void presence(WorkerPresence p) {
    WorkerPool.Worker known = workers.get(p.name());
    if (p.event() == WorkerPresence.Event.RELEASED) {
      if (known != null && known.instance.equals(p.instance()) && known.stillRuns(p.task(), p.attempt())) {
        abandons.letGo(known); // it dropped the attempt TEF had ended
        return;
      }
      Task t = p.task() == null ? null : live.get(p.task());
      if (known != null && known.instance.equals(p.instance()) && t != null && t.attempt() == p.attempt()
          && p.name().equals(t.worker()) && (t.state() == TaskState.DISPATCHED || t.state() == TaskState.WORKING)) {
        takeBack(t, p.cause());
        if (t.guid().equals(known.guid)) {
          workers.release(known);
        }
        dispatchTo(known);
      }
      return;
    }
    if (p.event() == WorkerPresence.Event.IDLE) {
      if (known != null && known.instance.equals(p.instance())) {
        if (BUSY_ELSEWHERE.equals(known.guid)) {
          workers.release(known);
          dispatchTo(known);
        } else if (known.guid != null) {
          known.idleHint = true; // it may turn our dispatch away before this news reached us
        }
      }
      return;
    }
    if (p.up()) {
      if (known != null && known.instance.equals(p.instance())) {
        return;
      }
      if (known != null) {
        lose(known, "it came back as a new instance", WorkerPresence.Cause.REPLACED);
      }
      WorkerPool.Worker w = workers.add(p.name(), p.instance(), p.taskTypes(), p.takesAbandon());
      LOG.info("Worker {} is up for {}", w.name, w.taskTypes);
      Task running = p.task() == null ? null : live.get(p.task());
      if (running != null && running.state() == TaskState.WORKING && running.attempt() == p.attempt() && p.name().equals(running.worker())) {
        // Back after its dispatcher's restart, still running its task: it keeps it.
        cancelTimer(rejoinTimers, running.guid());
        workers.assign(w, running.guid());
        armStallTimer(running);
        LOG.info("Worker {} came back running task {} attempt {}: it goes on", w.name, running.guid(), running.attempt());
        return;
      }
      rejoinedWithout(p.name());
      dispatchTo(w);
    } else if (known != null && known.instance.equals(p.instance())) {
      lose(known, "it went offline (" + (p.cause() == null ? "no cause given" : p.cause().wire()) + ")", p.cause());
    }
  }

  /** A worker that came back without the task it was running when its dispatcher died: that task goes back to the queue. */
  private void rejoinedWithout(String workerName) {
    for (String guid : List.copyOf(rejoinTimers.keySet())) {
      Task t = live.get(guid);
      if (t != null && workerName.equals(t.worker()) && t.state() == TaskState.WORKING) {
        cancelTimer(rejoinTimers, guid);
        ended.ended(t, "queued again: its worker came back without it after its dispatcher restarted");
        Task back = t.requeued(nodeName);
        live.put(back.guid(), back);
        writer.save(back);
        enqueue(back);
      }
    }
  }

  /**
   * Drops a worker; its task, if any, goes back to the queue at once, its attempt counted as
   * lost when the cause counts ({@link LostAttempts}; null: it does not).
   */
  private void lose(WorkerPool.Worker w, String why, WorkerPresence.Cause cause) {
    workers.remove(w.name);
    LOG.info("Worker {} removed: {}", w.name, why);
    abandons.letGo(w); // whatever it still ran of an ended attempt is gone with it
    if (w.guid != null) {
      Task t = live.get(w.guid);
      if (t != null && w.name.equals(t.worker()) && !t.state().terminal()) {
        takeBack(t, cause);
      }
    }
  }

  /**
   * The running attempt of a worker that is gone or dropped it: queued again at once in its
   * place, or, when the loss counts and it was the task's last attempt, ended failed.
   */
  private void takeBack(Task t, WorkerPresence.Cause cause) {
    cancelTimer(stallTimers, t.guid());
    releaseResources(t);
    Task lost = LostAttempts.afterLoss(t, cause, now(), nodeName);
    ended.ended(t, lost != null ? lost.failReason() : "queued again: its worker " + (cause == null ? "is gone" : LostAttempts.words(cause)));
    if (lost != null && lost.state().terminal()) {
      LOG.warn("Task {} failed: {}", t.guid(), lost.failReason());
      finish(lost);
      return;
    }
    if (lost != null) {
      LOG.info("Task {}: {}; queued again (attempt {} of max_attempts {} used)", t.guid(), lost.failReason(), lost.failCount(), lost.maxAttempts());
    }
    Task back = lost != null ? lost : t.requeued(nodeName);
    live.put(back.guid(), back);
    writer.save(back);
    enqueue(back);
  }

  private void freeWorkerOf(Task t) {
    WorkerPool.Worker w = t.worker() == null ? null : workers.get(t.worker());
    if (w != null && t.guid().equals(w.guid)) {
      workers.release(w);
      dispatchTo(w);
    }
  }

  /** Queues a task if it is due, else sets a timer for its run time. */
  private void enqueue(Task t) {
    if (t.state() != TaskState.QUEUED) {
      return;
    }
    long delay = t.runAt() == null ? 0 : Duration.between(now(), t.runAt()).toMillis();
    if (delay > 0) {
      waiting.put(t.guid(), vertx.setTimer(delay, id -> {
        waiting.remove(t.guid());
        Task current = live.get(t.guid());
        if (current != null && current.state() == TaskState.QUEUED) {
          queue.add(current);
          dispatchType(current.taskType());
        }
      }));
      return;
    }
    queue.add(t);
    dispatchType(t.taskType());
  }

  /** Gives queued tasks of this type to idle workers while there are both. */
  private void dispatchType(String taskType) {
    if (state != DispatcherState.RUNNING || !ownership.mayDispatch()) {
      return;
    }
    WorkerPool.Worker w;
    while (queue.peek(taskType) != null && (w = workers.firstIdle(taskType)) != null) {
      assign(queue.poll(taskType), w);
    }
  }

  /** Gives an idle worker the best queued task among its task types. */
  private void dispatchTo(WorkerPool.Worker w) {
    while (w.guid == null && state == DispatcherState.RUNNING && ownership.mayDispatch()) {
      String bestType = null;
      TaskQueue.Entry best = null;
      for (String type : w.taskTypes) {
        TaskQueue.Entry head = queue.peek(type);
        if (head != null && (best == null || TaskQueue.before(head, best))) {
          best = head;
          bestType = type;
        }
      }
      if (bestType == null) {
        return;
      }
      assign(queue.poll(bestType), w); // a stale or parked entry leaves w idle: try the next
    }
  }

  /**
   * Gives the task to the worker if it can take its resources; else the entry waits parked on
   * the resource and the worker stays idle.
   */
  private void assign(TaskQueue.Entry entry, WorkerPool.Worker w) {
    Task current = live.get(entry.task().guid());
    if (current == null || current.state() != TaskState.QUEUED) {
      return; // a stale entry: cancelled, paused or queued again under a newer entry
    }
    Task t = current.dispatched(w.name, now(), nodeName);
    List<ResourceHold> holds = gate.reserve(entry, t.attempt());
    if (holds == null) {
      return;
    }
    live.put(t.guid(), t);
    workers.assign(w, t.guid());
    if (holds.isEmpty()) {
      send(t, w, entry);
      return;
    }
    gate.commit(t.guid(), t.attempt(), holds).onComplete(ar -> {
      Task now = live.get(t.guid());
      boolean stillOurs = now != null && now.attempt() == t.attempt() && now.state() == TaskState.DISPATCHED;
      if (ar.succeeded() && ar.result()) {
        if (stillOurs) {
          send(t, w, entry);
        } else {
          gate.release(t.guid(), t.attempt()); // cancelled meanwhile
        }
        return;
      }
      if (ar.failed()) {
        LOG.warn("Taking resources {} for task {} failed: {}", t.resources(), t.guid(), ar.cause().getMessage());
      }
      if (stillOurs) {
        // Another dispatcher holds a slot (now known to the ledger), or the store failed: wait and try again.
        live.put(t.guid(), now.requeued(nodeName));
        if (workers.get(w.name) == w && t.guid().equals(w.guid)) {
          workers.release(w);
        }
        vertx.setTimer(ar.failed() ? 1000 : 1, id -> unparked(List.of(entry)));
        dispatchTo(w);
      }
    });
  }

  /** Parked tasks whose resource may be free again go back to the queue in their old order. */
  private void unparked(List<TaskQueue.Entry> entries) {
    java.util.Set<String> types = new java.util.HashSet<>();
    for (TaskQueue.Entry e : entries) {
      Task t = live.get(e.task().guid());
      if (t != null && t.state() == TaskState.QUEUED) {
        queue.readd(e);
        types.add(t.taskType());
      }
    }
    types.forEach(this::dispatchType);
  }

  /** Frees what the attempt holds, unless its worker has not yet let go of it. */
  private void releaseResources(Task t) {
    if (!abandons.holds(t)) {
      gate.release(t.guid(), t.attempt());
    }
  }

  private void send(Task t, WorkerPool.Worker w, TaskQueue.Entry entry) {
    JsonObject message = new io.tef.protocol.Assignment.Task(TaskJson.toView(t), t.attempt(), Addresses.dispatcher(instance)).toJson();
    vertx.eventBus().request(Addresses.worker(w.name), message, new DeliveryOptions().setSendTimeout(dispatchTimeoutMs))
        .onSuccess(reply -> {
          w.idleHint = false;
          // Taking the task is starting it; a worker that also reports "working" changes nothing.
          Task now = live.get(t.guid());
          if (now != null && now.attempt() == t.attempt() && w.name.equals(now.worker())) {
            started(now, w.name);
          }
        })
        .onFailure(err -> {
          Task now = live.get(t.guid());
          if (now == null || now.attempt() != t.attempt() || now.state() != TaskState.DISPATCHED) {
            return;
          }
          io.tef.protocol.Refusal refusal = io.tef.protocol.Refusal.of(err);
          if (refusal == io.tef.protocol.Refusal.STOPPING) {
            // A worker on its way out (a graceful stop): the task goes back in its place, the worker goes.
            releaseResources(now);
            live.put(now.guid(), now.requeued(nodeName));
            queue.readd(entry);
            if (workers.get(w.name) == w) {
              workers.remove(w.name);
              LOG.info("Worker {} is stopping: it takes nothing more", w.name);
            }
            dispatchType(t.taskType());
            return;
          }
          if (refusal == io.tef.protocol.Refusal.BUSY) {
            // Another dispatcher's task runs there: the task goes back in its place, the worker
            // is tried again when it says it is idle.
            releaseResources(now);
            live.put(now.guid(), now.requeued(nodeName));
            queue.readd(entry);
            if (workers.get(w.name) == w && t.guid().equals(w.guid)) {
              if (w.idleHint) {
                w.idleHint = false;
                workers.release(w);
                dispatchTo(w);
              } else {
                workers.assign(w, BUSY_ELSEWHERE);
              }
            }
            dispatchType(t.taskType());
            return;
          }
          LOG.warn("Worker {} did not take task {} attempt {}: {}", w.name, t.guid(), t.attempt(), err.getMessage());
          if (workers.get(w.name) == w) {
            lose(w, "it did not take a task", null);
          }
        });
  }

  /** Millisecond precision, as the store keeps it, so a task reads the same before and after a write. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  JsonObject stats() {
    return new JsonObject().put("state", state.wire()).put("live", live.size()).put("queued", queue.size())
        .put("waiting", waiting.size()).put("workers", workers.size());
  }

  /** Task writes the store refused by its attempt fence (each one logged); read by tests until metrics come. */
  long refusedStoreWrites() {
    return writer.refused();
  }

  Future<Void> drain() {
    gate.stop();
    waiting.values().forEach(vertx::cancelTimer);
    rejoinTimers.values().forEach(vertx::cancelTimer);
    stallTimers.values().forEach(vertx::cancelTimer);
    noteSaves.values().forEach(vertx::cancelTimer);
    startSaves.values().forEach(vertx::cancelTimer);
    // A graceful stop writes every start still pending: the task is adopted after, not run again.
    startSaves.keySet().forEach(guid -> {
      Task t = live.get(guid);
      if (t != null) {
        saveStart(guid, t.attempt());
      }
    });
    noteSaves.keySet().forEach(guid -> {
      Task t = live.get(guid);
      if (t != null) {
        writer.save(t); // keep the last progress and log lines of a graceful stop
      }
    });
    // The lease goes last, once every write is in: whoever takes over reads the final states.
    return writer.drain().compose(v -> ownership.stop().otherwiseEmpty());
  }

}
