package io.tef.bridge;

import io.tef.protocol.Addresses;
import io.tef.protocol.AmqpNames;
import io.tef.core.NodeInfo;
import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.tef.core.store.mongo.MongoStores;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The AMQP door. Starts whether or not the broker answers: the node runs, the bridge says
 * {@code down} in the node's shared map (the gateway's /health shows it) and keeps trying.
 * Every (re)connection declares the input queues, the dead-letter queue, the AMQP workers' queues
 * and result exchanges and the keeper queues again, and consumes anew.
 */
public final class AmqpBridgeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AmqpBridgeVerticle.class);

  private BrokerConnection broker;
  private MongoStores stores;

  @Override
  public Future<?> start() {
    TefConfig config = ConfigLoader.fromJson(config());
    TefConfig.Amqp amqp = config.amqp();
    // The names a node uses: amqp.env, else its TEF_ENV.
    AmqpNames names = new AmqpNames(config.amqp().namesEnv(config.env()));
    BrokerAddress address = BrokerAddress.of(amqp);
    var state = vertx.sharedData().<String, Object>getLocalMap(NodeInfo.MAP);
    state.put(NodeInfo.AMQP_STATE, "down");

    // The collections the AMQP door owns: tasker_tasks and tasker_responses.
    stores = MongoStores.shared(vertx, config.mongo().connectionString(), config.mongo().database());
    broker = new BrokerConnection(vertx, address, amqp.reconnectMaxMs(), "tef-" + config.node().name());
    Settler settler = new Settler(vertx, broker, names, amqp.requeueDelayMs(), new io.tef.protocol.json.StrictJson(config.limits().json()));
    AmqpWorkers workers = new AmqpWorkers(vertx, broker, settler, names, amqp.prefetch(), config.dispatcher().dispatchTimeoutMs());
    ManagerInbox inbox = new ManagerInbox(vertx, settler, workers);
    KeeperFeed keepers = new KeeperFeed(vertx, broker, names, amqp);
    TaskerFanout tasker = new TaskerFanout(vertx, broker, settler, names, config.tasker(),
        stores.tasker());

    broker.onConnect(b -> {
      List<Future<Void>> steps = new ArrayList<>();
      steps.add(b.prefetch(amqp.prefetch()));
      steps.add(b.durableQueue(names.deadLetter()));
      names.inputQueues().forEach(q -> steps.add(b.durableQueue(q)));
      steps.add(workers.onConnect());
      steps.add(keepers.onConnect());
      steps.add(tasker.onConnect());
      return Future.all(steps).compose(v -> {
        List<Future<Void>> consumers = new ArrayList<>();
        names.inputQueues().forEach(q -> consumers.add(b.consume(q, amqp.prefetch(), inbox::handle)));
        return Future.all(consumers).mapEmpty();
      });
    });
    broker.onState(up -> {
      state.put(NodeInfo.AMQP_STATE, up ? "up" : "down");
      if (up) {
        keepers.pump();
        workers.onReconnected();
      }
    });

    LOG.info("AMQP bridge for {} on {}: input {}", names.prefix(), address, names.inputQueues());
    return keepers.start()
        .compose(v -> tasker.start())
        .compose(v -> workers.start())
        .onSuccess(v -> {
          broker.start();
          // Workers that registered over AMQP before this bridge started (it was redeployed) keep their addresses.
          vertx.eventBus().<JsonObject>request(Addresses.COLLECTIVE_GET_WORKERS, new JsonObject())
              .onSuccess(r -> workers.learnAll(r.body().getJsonArray("response", new io.vertx.core.json.JsonArray())))
              .onFailure(err -> LOG.debug("No collective answered get_workers at start: {}", err.getMessage()));
        });
  }

  @Override
  public Future<?> stop() {
    vertx.sharedData().getLocalMap(NodeInfo.MAP).remove(NodeInfo.AMQP_STATE);
    Future<Void> stopped = broker == null ? Future.succeededFuture() : broker.stop();
    return stores == null ? stopped : stopped.eventually(() -> stores.close());
  }
}
