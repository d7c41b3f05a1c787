package io.tef.qworker;

import io.tef.core.config.ConfigLoader;
import io.tef.core.config.QworkerSettings;
import io.tef.core.config.TefConfig;
import io.tef.core.mubsub.MubsubChannel;
import io.tef.core.store.mongo.MongoStores;
import io.tef.protocol.Addresses;
import io.tef.protocol.qworker.QworkerEvents;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Qworker manager door ({@code qworker.enabled}): owns the mubsub channel and routes its
 * events; see the package documentation for the protocol. One node of a cluster runs it.
 */
public final class QworkerManagerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(QworkerManagerVerticle.class);

  private MongoStores stores;
  private MubsubChannel channel;
  private ManagerState state;
  private Roster roster;

  @Override
  public Future<?> start() {
    TefConfig config = ConfigLoader.fromJson(config());
    QworkerSettings settings = config.qworker();
    stores = MongoStores.shared(vertx, config.mongo().connectionString(), config.mongo().database());
    return stores.mubsub(vertx, settings.channel(), settings.channelSizeBytes()).compose(ch -> {
      channel = ch;
      var jobs = stores.qworkerJobs(settings.collectionPrefix());
      JobDispatch dispatch = new JobDispatch(ch, jobs);
      state = new ManagerState(vertx, ch);
      TaskMetadata metadata = new TaskMetadata();
      JsonObject startOptions = new JsonObject()
          .put("db", workerDb(settings.db(), config.mongo().connectionString(), config.mongo().database()))
          .put("pingInterval", settings.pingIntervalMs()).put("processEvery", settings.processEveryMs());
      roster = new Roster(vertx, ch, jobs, dispatch, metadata, state, startOptions, settings.pingIntervalMs());
      JobNotifications notifications = new JobNotifications(vertx, roster, dispatch);
      SubTasks subTasks = new SubTasks(vertx);
      Future<Void> offline = vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_WORKERS, m -> {
        if (m.body() != null && "offline".equals(m.body().getString("event"))) {
          roster.onOfflineEvent(m.body());
        }
      }).completion();
      return offline.compose(v -> ch.subscribe((event, message) -> {
        switch (event) {
          case QworkerEvents.INITIALIZE -> roster.onInitialize(message);
          case QworkerEvents.PING -> roster.onPing(message);
          case QworkerEvents.START -> roster.onStarted(message);
          case QworkerEvents.STOP, QworkerEvents.DISCONNECTED, QworkerEvents.TERMINATE -> roster.onGone(message, event);
          case QworkerEvents.NOTIFICATION -> notifications.onNotification(message);
          case QworkerEvents.DEFINE_TASKS -> metadata.onDefine(message);
          case QworkerEvents.SCHEDULE_TASK -> subTasks.onSchedule(message);
          default -> { } // the manager's own messages, worker:start, worker:connected: nothing to do
        }
      })).onSuccess(v -> {
        state.start();
        LOG.info("Qworker manager on channel {}: workers' jobs in {}<worker id>, ping every {} ms", settings.channel(),
            settings.collectionPrefix(), settings.pingIntervalMs());
      });
    });
  }

  /**
   * The store URL sent to the workers: the one configured, else this node's store with the
   * database named (Agenda 0.7 takes the database from the URL).
   */
  static String workerDb(String configured, String connectionString, String database) {
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    com.mongodb.ConnectionString cs = new com.mongodb.ConnectionString(connectionString);
    if (cs.getDatabase() != null) {
      return connectionString;
    }
    int query = connectionString.indexOf('?');
    String base = query < 0 ? connectionString : connectionString.substring(0, query);
    String rest = query < 0 ? "" : connectionString.substring(query);
    return (base.endsWith("/") ? base : base + "/") + database + rest;
  }

  @Override
  public Future<?> stop() {
    Future<Void> told = state == null ? Future.succeededFuture() : state.stop();
    return told.compose(v -> roster == null ? Future.succeededFuture() : roster.stop()).onComplete(v -> {
      if (channel != null) {
        channel.close();
      }
    }).compose(v -> stores.close()).otherwiseEmpty();
  }
}
