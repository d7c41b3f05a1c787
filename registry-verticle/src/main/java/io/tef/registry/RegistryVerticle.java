package io.tef.registry;

import io.tef.protocol.Addresses;
import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.tef.protocol.Fields;
import io.tef.protocol.Replies;
import io.tef.protocol.json.IsoInstants;
import io.tef.protocol.worker.WorkerRegistration;
import io.tef.core.store.mongo.MongoStores;
import io.tef.protocol.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Knows who the workers are: the registration handshake. A name belongs to one live worker
 * instance at a time, whatever door it came through (an SDK registration here, or a TEF
 * worker_status the collective claims the name for); it is free again once the collective
 * declares that instance offline. Every registry hears every other's {@code registered}, so a
 * name held through one node is refused on all of them.
 */
public final class RegistryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryVerticle.class);
  private static final long WATCH_TIMEOUT_MS = 5000;

  /** The live holder of each worker name. */
  private final Map<String, WorkerRegistration> holders = new HashMap<>();
  /** Names held by a TEF worker that named no instance in its status (the collective made one up). */
  private final java.util.Set<String> unnamed = new java.util.HashSet<>();
  private long pingIntervalMs;
  /** The collection the registry owns: task_types. */
  private MongoStores stores;
  private TaskCatalog catalog;

  @Override
  public Future<?> start() {
    TefConfig config = ConfigLoader.fromJson(config());
    pingIntervalMs = config.collective().pingIntervalMs();
    stores = MongoStores.shared(vertx, config.mongo().connectionString(), config.mongo().database());
    catalog = new TaskCatalog(vertx, stores.taskDefinitions(), config.registry().autoDefine());
    return catalog.start(config.taskDefinitions()).compose(v -> Future.all(
        vertx.eventBus().<Object>consumer(Addresses.REGISTRY_REGISTER, this::onRegister).completion(),
        vertx.eventBus().<Object>consumer(Addresses.REGISTRY_CLAIM, this::onClaim).completion(),
        vertx.eventBus().<Object>consumer(Addresses.TASK_TYPES, m -> Replies.answer(m, body -> catalog.handle(Fields.object(body)))).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_TASK_TYPES, m -> catalog.onEvent(m.body())).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_WORKERS, m -> onWorkerEvent(m.body())).completion()));
  }

  @Override
  public Future<?> stop() {
    return stores.close();
  }

  private void onRegister(Message<Object> m) {
    try {
      WorkerRegistration r = WorkerRegistration.fromJson(Fields.object(m.body()));
      WorkerRegistration holder = holders.get(r.name());
      if (holder != null && !holder.instance().equals(r.instance())) {
        throw heldBy(holder);
      }
      // Qworker's initialize: a worker is admitted only for task types that are defined.
      catalog.admit(r.taskTypes()).onSuccess(defs -> {
        WorkerRegistration now = holders.get(r.name());
        if (now != null && !now.instance().equals(r.instance())) {
          Replies.fail(m, new ValidationException(409, "name", "worker name '" + r.name() + "' was taken meanwhile"));
          return;
        }
        holders.put(r.name(), r);
        if (holder == null) {
          LOG.info("Worker {} registered: task types {}, pid {} on {}", r.name(), r.taskTypes(), r.pid(), r.host());
        }
        // One collective watches its heartbeats (the others forward them there); the event names it.
        vertx.eventBus().<JsonObject>request(Addresses.COLLECTIVE_WATCH, new JsonObject().put("worker", r.toJson()),
                new DeliveryOptions().setSendTimeout(WATCH_TIMEOUT_MS))
            .map(reply -> reply.body().getString("watched_by"))
            .otherwise(err -> {
              LOG.warn("No collective took the watch of worker {} ({}); every collective watches it", r.name(), err.getMessage());
              return null;
            })
            .onComplete(watchedBy -> {
              vertx.eventBus().publish(Addresses.EVENTS_WORKERS, registered(r, watchedBy.result()));
              // A worker may ask for its own ping interval (Qworker's --ping); the collective watches it by that one.
              m.reply(new JsonObject().put("accepted", true).put("ping_interval_ms", r.pingIntervalMs() > 0 ? r.pingIntervalMs() : pingIntervalMs)
                  .put("task_types", defs));
            });
        unnamed.remove(r.name());
      }).onFailure(err -> Replies.fail(m, err));
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }

  /**
   * A TEF worker announced itself by its worker_status: the collective that heard it claims the
   * name here, as a registration would, so that the name is held whatever door the worker used.
   * Its task types are not checked against the definitions (TEF never did).
   */
  private void onClaim(Message<Object> m) {
    try {
      JsonObject body = Fields.object(m.body());
      WorkerRegistration r = WorkerRegistration.fromJson(Fields.object(body.getValue("worker")));
      boolean named = !Boolean.FALSE.equals(body.getValue("named_instance"));
      WorkerRegistration holder = holders.get(r.name());
      if (holder != null && !holder.instance().equals(r.instance())) {
        if (named || !unnamed.contains(r.name())) {
          throw heldBy(holder);
        }
        // A TEF worker that names no instance is one instance for as long as its name is held:
        // heard again by a collective that lost it (restarted), it keeps the instance it had.
        r = new WorkerRegistration(r.name(), holder.instance(), r.taskTypes(), r.host(), r.pid(), r.pingIntervalMs(), r.group(),
            r.workerType(), r.runningTask(), r.runningAttempt(), r.takesAbandon());
      }
      holders.put(r.name(), r);
      if (named) {
        unnamed.remove(r.name());
      } else {
        unnamed.add(r.name());
      }
      JsonObject event = registered(r, Fields.optionalString(body, "watched_by")).put("source", "worker_status")
          .put("named_instance", named);
      String queue = Fields.optionalString(body, "work_queue");
      if (queue != null) {
        event.put("work_queue", queue);
      }
      vertx.eventBus().publish(Addresses.EVENTS_WORKERS, event);
      m.reply(new JsonObject().put("claimed", true).put("instance", r.instance()));
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }

  private static JsonObject registered(WorkerRegistration r, String watchedBy) {
    JsonObject event = new JsonObject().put("event", "registered").put("worker", r.toJson()).put("at", IsoInstants.format(Instant.now()));
    if (watchedBy != null) {
      event.put("watched_by", watchedBy);
    }
    return event;
  }

  /** The one refusal of a held name, for both doors. */
  private static ValidationException heldBy(WorkerRegistration holder) {
    String who = holder.pid() >= 0 || holder.host() != null ? "pid " + holder.pid() + " on " + holder.host() : "instance " + holder.instance();
    return new ValidationException(409, "name", "worker name '" + holder.name() + "' is held by a live worker (" + who
        + "); it is free once that one is offline");
  }

  /**
   * Names are held from every registry's {@code registered} (each registry knows the names of
   * the cluster, not only its own) and freed by the collective's {@code offline} of that instance.
   */
  private void onWorkerEvent(JsonObject event) {
    if (event == null) {
      return;
    }
    if ("registered".equals(event.getString("event"))) {
      try {
        WorkerRegistration r = WorkerRegistration.fromJson(event.getJsonObject("worker", new JsonObject()));
        WorkerRegistration holder = holders.get(r.name());
        if (holder == null || !holder.instance().equals(r.instance())) {
          holders.put(r.name(), r); // the newest registration of a name wins, as in the collectives
        }
        if (Boolean.FALSE.equals(event.getValue("named_instance"))) {
          unnamed.add(r.name());
        } else {
          unnamed.remove(r.name());
        }
      } catch (RuntimeException e) {
        LOG.warn("Ignored a bad registration event {}: {}", event, e.getMessage());
      }
    } else if ("offline".equals(event.getString("event"))) {
      WorkerRegistration holder = holders.get(event.getString("name"));
      if (holder != null && holder.instance().equals(event.getString("instance"))) {
        holders.remove(holder.name());
        unnamed.remove(holder.name());
      }
    }
  }
}
