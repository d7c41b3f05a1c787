package io.tef.registry;

import io.tef.protocol.Addresses;
import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.tef.protocol.Fields;
import io.tef.protocol.Replies;
import io.tef.protocol.worker.WorkerRegistration;
import io.tef.core.store.mongo.MongoStores;
import io.tef.protocol.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Knows who the workers are: the registration handshake. A name belongs to one live worker
 * instance at a time; it is free again once the collective declares that instance offline.
 */
public final class RegistryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryVerticle.class);

  /** The live holder of each worker name. */
  private final Map<String, WorkerRegistration> holders = new HashMap<>();
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
        throw new ValidationException(409, "name", "worker name '" + r.name() + "' is held by a live worker (pid "
            + holder.pid() + " on " + holder.host() + "); it is free once that one is offline");
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
        vertx.eventBus().publish(Addresses.EVENTS_WORKERS, new JsonObject().put("event", "registered")
            .put("worker", r.toJson()).put("at", Instant.now().toString()));
        // A worker may ask for its own ping interval (Qworker's --ping); the collective watches it by that one.
        m.reply(new JsonObject().put("accepted", true).put("ping_interval_ms", r.pingIntervalMs() > 0 ? r.pingIntervalMs() : pingIntervalMs)
            .put("task_types", defs));
      }).onFailure(err -> Replies.fail(m, err));
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }

  private void onWorkerEvent(JsonObject event) {
    if (event != null && "offline".equals(event.getString("event"))) {
      WorkerRegistration holder = holders.get(event.getString("name"));
      if (holder != null && holder.instance().equals(event.getString("instance"))) {
        holders.remove(holder.name());
      }
    }
  }
}
