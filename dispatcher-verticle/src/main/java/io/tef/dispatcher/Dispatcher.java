package io.tef.dispatcher;

import io.tef.core.config.TefConfig;
import io.tef.core.metrics.NodeMetrics;
import io.tef.core.resource.ResourceDefinition;
import io.tef.core.store.LeaseStore;
import io.tef.core.store.ResourceStore;
import io.tef.core.store.TaskStore;
import io.tef.core.task.Task;
import io.tef.protocol.DispatcherState;
import io.tef.protocol.worker.TaskReport;
import io.tef.protocol.worker.WorkerPresence;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * The dispatcher's entry points, and the wiring of its rules: the live state ({@link LiveTasks}),
 * matching ({@link Matcher}, {@link Handover}), reports ({@link Reports}), endings, stalls,
 * suites, resources, repeats, worker presence, adoption and forwarding. Runs on the verticle's
 * event loop only, so nothing needs a lock.
 */
final class Dispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final Vertx vertx;
  private final String instance;
  private final List<ResourceDefinition> configuredResources;
  private final TaskTypeDefaults.Source taskTypes;
  private final TaskTypeDefaults defaults;
  private final StoreWriter writer;
  private final WorkerPool workers = new WorkerPool();
  private final EndedAttempts ended = new EndedAttempts();
  private DispatcherState state = DispatcherState.RUNNING;

  // The rules, wired to each other in the constructor; lambdas reach the ones made later.
  private final LiveTasks live;
  private final ResourceGate gate;
  private final Ownership ownership;
  private final Matcher matcher;
  /** Attempts taken back from their workers (stalled, cancelled) that the workers have not let go of yet. */
  private final Abandons abandons;
  private final Endings endings;
  private final Stalls stalls;
  private final Presence presence;
  private final Forwarding forwarding;
  private final Reports reports;
  private final Suites suites;
  private final Adoption adoption;
  private final Intake intake;
  private final Resources resources;
  private final MetricsFeed metricsFeed;
  private final ManualRetry manualRetry;
  private final PriorityChanges priorities;

  Dispatcher(Vertx vertx, TaskStore store, ResourceStore resourceStore, LeaseStore leases, TaskTypeDefaults.Source taskTypes,
             TefConfig config, Clock clock, NodeMetrics metrics) {
    this.vertx = vertx;
    this.taskTypes = taskTypes;
    this.configuredResources = config.resourceDefinitions();
    String nodeName = config.node().name();
    this.instance = nodeName + "/" + UUID.randomUUID().toString().substring(0, 8);
    long dispatchTimeoutMs = config.dispatcher().dispatchTimeoutMs();
    RetryBackoff backoff = new RetryBackoff(config.dispatcher().retryBackoffBaseMs(), config.dispatcher().retryBackoffCapMs());
    Timers timers = Timers.of(vertx);
    this.defaults = new TaskTypeDefaults(config.dispatcher().taskDefaults());
    this.writer = new StoreWriter(store);

    this.live = new LiveTasks(timers, clock, nodeName, writer::save, type -> matcher().dispatchType(type));
    this.gate = new ResourceGate(vertx, resourceStore, store, clock, instance, dispatchTimeoutMs + 1000, entries -> matcher().unparked(entries));
    this.ownership = new Ownership(vertx, leases, store, clock, instance, nodeName, config.dispatcher().leaseRenewMs(),
        config.dispatcher().leaseTtlMs(), tasks -> adoption().adopt(tasks), () -> matcher().dispatchAll(), this::letGo);
    Handover handover = new Handover(vertx, live, workers, instance, dispatchTimeoutMs, nodeName, new Handover.Rules() {
      @Override
      public void started(Task t, String worker) {
        reports().started(t, worker);
      }

      @Override
      public void releaseResources(Task t) {
        endings().releaseResources(t);
      }

      @Override
      public void dispatchType(String taskType) {
        matcher().dispatchType(taskType);
      }

      @Override
      public void dispatchTo(WorkerPool.Worker w) {
        matcher().dispatchTo(w);
      }

      @Override
      public void lose(WorkerPool.Worker w, String why) {
        presence().lose(w, why, null);
      }
    });
    this.matcher = new Matcher(live, workers, gate, () -> state == DispatcherState.RUNNING && ownership.mayDispatch(), handover, timers, nodeName);
    this.abandons = new Abandons(vertx, workers, gate, dispatchTimeoutMs, new Abandons.Outcome() {
      @Override
      public void free(WorkerPool.Worker w) {
        workers.release(w);
        matcher.dispatchTo(w);
      }

      @Override
      public void lose(WorkerPool.Worker w, String why) {
        presence().lose(w, why, null);
      }
    });
    this.endings = new Endings(vertx, live, writer, workers, gate, abandons, ended, new Repeats(clock, config.dispatcher().zone()),
        matcher::dispatchTo, nodeName, metrics.tasks());
    this.stalls = new Stalls(live, abandons, ended, backoff, this::state, endings, nodeName, metrics.tasks());
    this.presence = new Presence(live, workers, abandons, ended, endings, stalls, matcher, nodeName);
    this.forwarding = new Forwarding(vertx, store, ownership, instance, dispatchTimeoutMs);
    this.reports = new Reports(live, writer, endings, stalls, abandons, ended, forwarding, backoff, config.limits().json(),
        config.dispatcher().startWriteDelayMs(), this::state, metrics.tasks());
    this.suites = new Suites(live, writer, guid -> cancel(guid, true), nodeName);
    this.adoption = new Adoption(live, workers, stalls, suites, ended, instance, Adoption.rejoinGraceMs(config.collective().pingIntervalMs()));
    this.intake = new Intake(live, store, writer, leases, defaults, config.limits().json(), ownership, forwarding, suites, nodeName, instance, metrics.tasks());
    this.resources = new Resources(vertx, resourceStore, gate, config.dispatcher().zone(), instance);
    this.metricsFeed = new MetricsFeed(metrics, instance, live, gate);
    this.manualRetry = new ManualRetry(live, store, writer, leases, instance, nodeName);
    this.priorities = new PriorityChanges(live, writer, matcher, nodeName);
  }

  // Read at call time: the rules are made in an order, but call each other both ways.
  private Matcher matcher() {
    return matcher;
  }

  private Reports reports() {
    return reports;
  }

  private Endings endings() {
    return endings;
  }

  private Presence presence() {
    return presence;
  }

  private Adoption adoption() {
    return adoption;
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
    return forwarding.forward(other, "control", message);
  }

  /**
   * Takes the lease, then the unfinished tasks this dispatcher now answers for: those of dead
   * dispatchers (its own earlier run included), never those of a live one.
   */
  Future<Void> recover() {
    return gate.start(configuredResources).compose(v -> defaults.load(taskTypes)).compose(v -> ownership.start()).map(tasks -> {
      adoption.adopt(tasks);
      return null;
    });
  }

  /** Validates and stores a TEF envelope; the reply is sent only once the task is durable. {@code door} names where it came in. */
  Future<JsonObject> submit(JsonObject envelope, boolean forwarded, String door) {
    return intake.submit(envelope, forwarded, door);
  }

  /** A job Agenda wrote into the tasks collection, as this envelope: taken in as a task if it is still waiting. */
  Future<Boolean> takeIn(io.tef.core.store.ForeignJobs jobs, io.tef.core.store.ForeignJobs.Job job, JsonObject envelope) {
    return intake.takeIn(jobs, job, envelope);
  }

  /** Hands the gauges (queue, running, resources) to the node's metrics; on a timer. */
  void refreshMetrics() {
    metricsFeed.refresh();
  }

  /** A worker's report, fenced by attempt. */
  Future<JsonObject> report(TaskReport r, boolean forwarded) {
    return reports.report(r, forwarded);
  }

  /** Cancels a task: a queued one at once, a running one too, its worker told to abandon it. */
  Future<JsonObject> cancel(String guid, boolean forwarded) {
    Task t = live.get(guid);
    return t == null ? forwarding.cancel(guid, forwarded) : endings.cancel(t);
  }

  /** A waiting task's new priority; a task held by another dispatcher is passed on to it. */
  Future<JsonObject> changePriority(io.tef.protocol.task.PriorityChange change, boolean forwarded) {
    Task t = live.get(change.guid());
    return t == null ? forwarding.changePriority(change, forwarded) : priorities.change(t, change);
  }

  /** "Retry now": a failed or cancelled task queued again under a new attempt. */
  Future<JsonObject> retry(String guid) {
    return manualRetry.retry(guid);
  }

  /** TEF's pause_suite. */
  JsonObject pauseSuite(String suite) {
    return suites.pause(suite);
  }

  /** TEF's ready_suite. */
  JsonObject readySuite(String suite) {
    return suites.ready(suite);
  }

  /** TEF's stop_suite. */
  Future<JsonObject> stopSuite(String suite) {
    return suites.stop(suite);
  }

  /** TEF's res_man over the event bus: put, get, delete, list. */
  Future<JsonObject> resources(JsonObject message) {
    return resources.handle(message);
  }

  void resourceEvent(JsonObject event) {
    gate.onEvent(event);
  }

  void presence(WorkerPresence p) {
    presence.on(p);
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
    if (state == DispatcherState.RUNNING) {
      matcher.dispatchAll();
    }
  }

  /**
   * Taken over by another dispatcher: every task here is that one's now. Forget them all, so
   * that their reports are passed on to it (and fenced by attempt) instead of recorded here.
   */
  private void letGo() {
    live.clear();
  }

  JsonObject stats() {
    TypeCensus census = TypeCensus.of(live);
    return new JsonObject().put("state", state.wire()).put("live", live.size()).put("queued", live.queue().size())
        .put("waiting", live.armedCount(LiveTasks.Timer.RUN_AT)).put("workers", workers.size())
        .put("forged_reports", reports.forgedReports())
        .put("queues", census.queuesJson(live.now().toEpochMilli())).put("by_type", census.byStateJson());
  }

  /** Task writes the store refused by its attempt fence (each one logged); read by tests until metrics come. */
  long refusedStoreWrites() {
    return writer.refused();
  }

  Future<Void> drain() {
    metricsFeed.stop();
    gate.stop();
    reports.flush();
    // The lease goes last, once every write is in: whoever takes over reads the final states.
    return writer.drain().compose(v -> ownership.stop().otherwiseEmpty());
  }
}
