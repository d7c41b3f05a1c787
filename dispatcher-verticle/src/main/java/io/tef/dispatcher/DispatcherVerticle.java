package io.tef.dispatcher;

import io.tef.protocol.Addresses;
import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.tef.protocol.Fields;
import io.tef.protocol.Replies;
import io.tef.protocol.DispatcherState;
import io.tef.protocol.worker.TaskReport;
import io.tef.protocol.worker.WorkerPresence;
import io.tef.core.metrics.NodeMetrics;
import io.tef.core.store.GroupCommit;
import io.tef.core.store.mongo.MongoStores;
import io.tef.core.store.TaskStore;
import io.tef.protocol.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;

/** Hands each task to an idle worker of its type; the event-bus face of {@link Dispatcher}. */
public final class DispatcherVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(DispatcherVerticle.class);
  private static final String RETENTION_MAP = "tef.retention";
  private static final String RETENTION_KEY = "sweeper";

  /** The collections the dispatcher owns: tasks, resources, resource_holds, dispatchers, takeovers, keepers. */
  private MongoStores stores;
  private TaskStore store;
  private GroupCommit writes;
  private Dispatcher dispatcher;
  private RetentionSweeper retention;

  @Override
  public Future<?> start() {
    TefConfig config = ConfigLoader.fromJson(config());
    stores = MongoStores.shared(vertx, config.mongo().connectionString(), config.mongo().database());
    store = stores.tasks();
    // Task definitions are the registry's: asked for over the event bus, kept up to date by its events.
    // Writes of tasks share round trips under load (group commit); each is still answered by the store.
    NodeMetrics metrics = NodeMetrics.of(vertx);
    writes = new GroupCommit(store, context, metrics.store());
    dispatcher = new Dispatcher(vertx, writes, stores.resources(), stores.leases(), new RegistryTaskTypes(vertx), config, Clock.systemUTC(), metrics);
    return store.start()
        .compose(v -> dispatcher.recover())
        .compose(v -> Future.all(java.util.List.of(
            vertx.eventBus().<Object>consumer(Addresses.TASKS_SUBMIT, m -> Replies.answer(m, body -> body instanceof io.vertx.core.json.JsonArray many
                ? BulkSubmission.submit(many, one -> dispatcher.submit(one, false, m.headers().get(Addresses.DOOR_HEADER)))
                : dispatcher.submit(Fields.object(body), false, m.headers().get(Addresses.DOOR_HEADER)))).completion(),
            vertx.eventBus().<Object>consumer(Addresses.TASKS_REPORT, m -> Replies.answer(m, body -> dispatcher.report(TaskReport.fromJson(Fields.object(body)), false))).completion(),
            vertx.eventBus().<Object>consumer(Addresses.TASKS_CANCEL, m -> Replies.answer(m, body -> dispatcher.cancel(Fields.requireString(Fields.object(body), "guid"), false))).completion(),
            vertx.eventBus().<Object>consumer(Addresses.TASKS_PRIORITY, m -> Replies.answer(m, body -> dispatcher.changePriority(io.tef.protocol.task.PriorityChange.fromJson(Fields.object(body)), false))).completion(),
            vertx.eventBus().<Object>consumer(Addresses.TASKS_RETRY, m -> Replies.answer(m, body -> dispatcher.retry(Fields.requireString(Fields.object(body), "guid")))).completion(),
            vertx.eventBus().<Object>consumer(Addresses.DISPATCHER_CONTROL, m -> Replies.answer(m, body -> control(Fields.object(body), false))).completion(),
            vertx.eventBus().<Object>consumer(Addresses.dispatcher(dispatcher.instance()), m -> Replies.answer(m, body -> own(m.headers().get(Forwarding.OP), Fields.object(body)))).completion(),
            vertx.eventBus().<Object>consumer(Addresses.RESOURCES, m -> Replies.answer(m, body -> dispatcher.resources(Fields.object(body)))).completion(),
            vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_RESOURCES, m -> dispatcher.resourceEvent(m.body())).completion(),
            vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_DISPATCHERS, m -> dispatcher.peerStarted(m.body())).completion(),
            vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_TASK_TYPES, m -> dispatcher.taskTypeEvent(m.body())).completion(),
            vertx.eventBus().<Object>consumer(Addresses.DISPATCHER_WORKERS, m -> {
              try {
                dispatcher.presence(WorkerPresence.fromJson(Fields.object(m.body())));
              } catch (RuntimeException e) {
                LOG.warn("Ignored a bad worker presence message {}: {}", m.body(), e.getMessage());
              }
            }).completion())))
        .compose(v -> new KeeperService(store, stores.keeperCheckpoints()).register(vertx))
        .compose(v -> new TaskQueries(store).register(vertx))
        .compose(v -> learnLiveWorkers())
        .onSuccess(v -> dispatcher.announce())
        .onSuccess(v -> startRetention(config, metrics))
        .onSuccess(v -> new AgendaTakeIn(vertx, stores.foreignJobs(), dispatcher).start(config.dispatcher().agendaTakeInMs()))
        .onSuccess(v -> {
          if (metrics.enabled()) {
            vertx.setPeriodic(config.metrics().refreshMs(), id -> dispatcher.refreshMetrics());
          }
        })
        .onSuccess(v -> LOG.info("Dispatcher started: {}", dispatcher.stats().encode()));
  }

  /**
   * A message on this dispatcher's own address: its worker's report (dispatches carry the
   * address), or a message another dispatcher passed on because this one answers for the task.
   */
  private Future<JsonObject> own(String op, JsonObject body) {
    return switch (op == null ? "report" : op) {
      case "report" -> dispatcher.report(TaskReport.fromJson(body), true);
      case "cancel" -> dispatcher.cancel(Fields.requireString(body, "guid"), true);
      case "priority" -> dispatcher.changePriority(io.tef.protocol.task.PriorityChange.fromJson(body), true);
      case "submit" -> dispatcher.submit(body, true, "forwarded");
      case "control" -> control(body, true);
      default -> throw new ValidationException("op", "unknown operation '" + op + "'");
    };
  }

  /**
   * TEF's dispatcher control messages. Each dispatcher applies them to the tasks it answers for;
   * the one that receives a message passes it on to the others and adds up their answers.
   */
  private Future<JsonObject> control(JsonObject message, boolean forwarded) {
    io.tef.protocol.DispatcherControl type = io.tef.protocol.DispatcherControl.parse(Fields.requireString(message, "type"));
    Future<JsonObject> local = switch (type) {
      case SET_STATE -> {
        dispatcher.setState(DispatcherState.parse(message.getValue("data"), "data"));
        yield Future.succeededFuture(new JsonObject().put("response", dispatcher.state().wire()));
      }
      case GET_STATE -> Future.succeededFuture(dispatcher.stats().put("response", dispatcher.state().wire()));
      case PAUSE_SUITE -> Future.succeededFuture(new JsonObject().put("response", dispatcher.pauseSuite(Fields.requireString(message, "data"))));
      case READY_SUITE -> Future.succeededFuture(new JsonObject().put("response", dispatcher.readySuite(Fields.requireString(message, "data"))));
      case STOP_SUITE -> dispatcher.stopSuite(Fields.requireString(message, "data")).map(r -> new JsonObject().put("response", r));
    };
    if (forwarded || type == io.tef.protocol.DispatcherControl.GET_STATE) {
      return local;
    }
    List<Future<JsonObject>> others = dispatcher.otherDispatchers().stream()
        .map(other -> dispatcher.forwardControl(other, message)
            .onFailure(err -> LOG.warn("Dispatcher {} did not take control message {}: {}", other, type.wire(), err.getMessage())))
        .toList();
    return local.compose(mine -> Future.join(others).transform(ar -> {
      JsonObject total = mine.copy();
      if (total.getValue("response") instanceof JsonObject counts) {
        for (Future<JsonObject> f : others) {
          if (f.succeeded() && f.result().getValue("response") instanceof JsonObject theirs) {
            theirs.forEach(e -> {
              if (e.getValue() instanceof Number n && counts.getValue(e.getKey()) instanceof Number m) {
                counts.put(e.getKey(), m.longValue() + n.longValue());
              }
            });
          }
        }
      }
      return Future.succeededFuture(total.put("dispatchers", 1 + others.stream().filter(Future::succeeded).count()));
    }));
  }

  /** One sweeper per node, in the first of its dispatchers to start (several would only race for the same tasks). */
  private void startRetention(TefConfig config, NodeMetrics metrics) {
    if (config.retention().keepsEverything()
        || vertx.sharedData().getLocalMap(RETENTION_MAP).putIfAbsent(RETENTION_KEY, dispatcher.instance()) != null) {
      return;
    }
    retention = new RetentionSweeper(vertx, config.retention(), stores.finishedTasks(), stores.keeperCheckpoints(), metrics.tasks(), Clock.systemUTC());
    retention.start();
  }

  /** Workers that came up before this dispatcher are known to the collective; ask it. */
  private Future<Void> learnLiveWorkers() {
    return vertx.eventBus().<JsonObject>request(Addresses.COLLECTIVE_GET_WORKERS, new JsonObject(), new DeliveryOptions().setSendTimeout(5000))
        .map(reply -> {
          reply.body().getJsonArray("response").forEach(o -> {
            JsonObject w = (JsonObject) o;
            if (w.getBoolean("alive", false)) {
              dispatcher.presence(WorkerPresence.fromJson(w.copy().put("event", "up")));
            }
          });
          return (Void) null;
        })
        .otherwise(err -> {
          LOG.info("No collective answered yet ({}); workers will be learned as they come up", err.getMessage());
          return null;
        });
  }

  @Override
  public Future<?> stop() {
    if (retention != null) {
      retention.stop();
      vertx.sharedData().getLocalMap(RETENTION_MAP).remove(RETENTION_KEY);
    }
    return dispatcher.drain().otherwiseEmpty().eventually(() -> {
      LOG.info("Dispatcher {} stopping: {} task writes went to the store in {} batches", dispatcher.instance(), writes.writes(), writes.batches());
      return stores.close();
    });
  }
}
