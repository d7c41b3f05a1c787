package io.tef.collective;

import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.tef.core.metrics.NodeMetrics;
import io.tef.core.store.mongo.MongoStores;
import io.tef.protocol.Addresses;
import io.tef.protocol.CollectiveControl;
import io.tef.protocol.Fields;
import io.tef.protocol.Replies;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Knows the workers: which are alive (heartbeats), what they do, and their records (the
 * {@code workers} collection, loaded at start). Learns of a worker from the registry (which holds
 * every name: a TEF worker_status naming its worker_type is claimed there first) or from
 * wokmanager's REST events, and tells the dispatchers when one that takes tasks comes up or goes
 * away.
 *
 * <p>With several collectives, one watches each worker ({@link Watchers}); only changes are
 * published on {@code tef.events.workers} ({@link WorkerEvents}). This class keeps the consumers
 * and the wiring; each rule is a class of its own.
 */
public final class CollectiveVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CollectiveVerticle.class);

  private final KnownWorkers known = new KnownWorkers();
  /** The collection the collective owns: workers. */
  private MongoStores stores;
  private RecordWriter writer;
  private Liveness liveness;
  private Watchers watchers;
  private StatusIntake statuses;
  private WorkerQueries queries;
  private WorkerGauges gauges;

  @Override
  public Future<?> start() {
    TefConfig config = ConfigLoader.fromJson(config());
    long ping = config.collective().pingIntervalMs();
    var bus = vertx.eventBus();
    stores = MongoStores.shared(vertx, config.mongo().connectionString(), config.mongo().database());
    writer = new RecordWriter(vertx, stores.workerRecords(), config.collective().recordWriteIntervalMs());
    WorkerEvents events = new WorkerEvents(bus, known.self());
    liveness = new Liveness(bus, known, writer, events, new HeartbeatMonitor(ping), ping,
        TimeUnit.MILLISECONDS.toNanos(config.collective().keepOfflineMs()));
    watchers = new Watchers(bus, known, liveness, events, ping);
    statuses = new StatusIntake(bus, known, liveness, watchers, events, writer, config.amqp().workerPingIntervalMs());
    queries = new WorkerQueries(known);
    EventIntake changes = new EventIntake(known, liveness, events);
    TaskCounters counters = new TaskCounters(known, writer);
    RestWorkers rest = new RestWorkers(known, liveness, writer);
    // Records first: a registration handled before them would be overwritten by its old record.
    return stores.workerRecords().all().compose(docs -> {
      for (JsonObject doc : docs) {
        try {
          known.add(WorkerEntry.fromDocument(doc));
        } catch (RuntimeException e) {
          LOG.warn("Skipped an unreadable worker record {}: {}", doc.getValue("_id"), e.toString());
        }
      }
      LOG.info("Collective loaded {} worker records", known.size());
      // Checked often (workers may ask for a faster ping than the node's): detection within 2 x ping + 0.1 s.
      vertx.setPeriodic(Math.min(ping / 2, 100), id -> liveness.checkHeartbeats());
      vertx.setPeriodic(ping, id -> watchers.probe());
      NodeMetrics metrics = NodeMetrics.of(vertx);
      if (metrics.enabled()) {
        gauges = new WorkerGauges(metrics, known);
        gauges.refresh();
        vertx.setPeriodic(config.metrics().refreshMs(), id -> gauges.refresh());
      }
      return Future.all(List.of(
          bus.<JsonObject>consumer(Addresses.EVENTS_WORKERS, m -> changes.onWorkerEvent(m.body())).completion(),
          bus.<JsonObject>consumer(Addresses.EVENTS_TASKS, m -> counters.onTaskEnded(m.body())).completion(),
          bus.<Object>consumer(Addresses.COLLECTIVE_STATUS, statuses::onStatus).completion(),
          bus.<Object>consumer(Addresses.COLLECTIVE_WATCH, watchers::onWatch).completion(),
          bus.<Object>consumer(Addresses.collective(known.self()), this::onDirect).completion(),
          bus.<Object>consumer(Addresses.COLLECTIVE_GET_WORKERS, queries::onGetWorkers).completion(),
          bus.<Object>consumer(Addresses.COLLECTIVE_REMOVE_WORKER, liveness::onRemove).completion(),
          bus.<Object>consumer(Addresses.COLLECTIVE_CONTROL, this::onControl).completion(),
          bus.<Object>consumer(Addresses.COLLECTIVE_WORKERS, queries::onQuery).completion(),
          bus.<Object>consumer(Addresses.COLLECTIVE_WORKER_STATE, rest::onWorkerState).completion()));
    });
  }

  @Override
  public Future<?> stop() {
    if (gauges != null) {
      gauges.stop();
    }
    // Changes waiting for their write interval are written before the store client closes.
    return writer.flush(known.all()).eventually(() -> stores.close());
  }

  /** On this collective's own address: heartbeats another collective forwarded, and probes. */
  private void onDirect(Message<Object> m) {
    try {
      JsonObject body = Fields.object(m.body());
      if (body.getValue("forwarded") instanceof JsonObject status) {
        statuses.onForwarded(m, status);
      } else {
        watchers.answerProbe(m);
      }
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }

  /** TEF's control messages, one address for the three. */
  private void onControl(Message<Object> m) {
    try {
      switch (CollectiveControl.parse(Fields.requireString(Fields.object(m.body()), "type"))) {
        case WORKER_STATUS -> statuses.onStatus(m);
        case REMOVE_WORKER -> liveness.onRemove(m);
        case GET_WORKERS -> queries.onGetWorkers(m);
      }
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }
}
