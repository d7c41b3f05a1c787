package io.tef.node;

import io.tef.core.NodeInfo;
import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.tef.core.metrics.NodeMetrics;
import io.tef.core.store.local.LocalStores;
import io.tef.store.embedded.EmbeddedStore;
import io.tef.worker.BuiltInHandlers;
import io.tef.worker.TefWorker;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One TEF node: the embedded store when no MongoDB is named, a Vert.x instance (clustered with
 * {@code cluster.enabled}), the verticles of its roles and any demo workers. {@link #start} and
 * {@link #close} block; call them from a plain thread (main, a shutdown hook, a test).
 */
public final class TefNode implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TefNode.class);
  private static final long TIMEOUT_S = 60;

  private final TefConfig config;
  private final Vertx vertx;
  private final EmbeddedStore embedded;
  private final List<Deployed> demoWorkers;
  private final int httpPort;
  private boolean closed;

  /** A worker deployed on this node's Vert.x: its deployment, and the worker when it is a TEF worker. */
  private record Deployed(String deploymentId, TefWorker worker) {
  }

  private TefNode(TefConfig config, Vertx vertx, EmbeddedStore embedded, List<Deployed> demoWorkers, int httpPort) {
    this.config = config;
    this.vertx = vertx;
    this.embedded = embedded;
    this.demoWorkers = demoWorkers;
    this.httpPort = httpPort;
  }

  /** Starts a node; {@code configDir} is where cluster.xml is looked for (may be null). */
  public static TefNode start(TefConfig config, String configDir) throws Exception {
    EmbeddedStore embedded = null;
    TefConfig effective = config;
    if (config.mongo().embedded()) {
      embedded = "memory".equals(config.mongo().embeddedBackend())
          ? EmbeddedStore.inMemory(config.mongo().embeddedHost(), config.mongo().embeddedPort())
          : EmbeddedStore.onDisk(Path.of(config.node().dataDir()), config.mongo().embeddedHost(), config.mongo().embeddedPort());
      effective = withConnectionString(config, embedded.connectionString());
      if (!io.tef.core.auth.Loopback.is(config.mongo().embeddedHost())) {
        LOG.warn("The embedded store is served on {}:{}, beyond this machine, with no authentication: whoever reaches it can read"
            + " and change every task", config.mongo().embeddedHost(), config.mongo().embeddedPort());
      }
    }
    Vertx vertx = null;
    NodeMetrics metrics = effective.metrics().enabled() ? NodeMetrics.prometheus(effective.metrics()) : NodeMetrics.off();
    try {
      vertx = createVertx(effective, configDir, metrics);
      metrics.install(vertx);
      if (embedded != null) {
        // This node's verticles reach their own store in process (the dispatch path's writes without the wire).
        LocalStores.register(vertx, embedded.connectionString(), embedded::run);
      }
      io.tef.core.store.mongo.MongoStores.loadDriver();
      if (effective.node().roles().contains(Role.DISPATCHER.configName)) {
        // A store an earlier TEF wrote gets its ids rewritten first: no time limit, a million tasks take a while.
        io.tef.core.store.mongo.MongoTaskStore.migrateIds(vertx, effective.mongo().connectionString(), effective.mongo().database())
            .toCompletionStage().toCompletableFuture().get();
      }
      JsonObject verticleConfig = ConfigLoader.toJson(effective);
      for (Role role : Role.values()) {
        if (role == Role.BRIDGE && !effective.amqp().enabled()) {
          // The AMQP door is on by default but needs a broker: no URL, no bridge (the embedded default).
          continue;
        }
        if (role == Role.ZMQ && !effective.zmq().enabled()) {
          continue;
        }
        if (role == Role.QWORKER && !effective.qworker().enabled()) {
          continue;
        }
        if (effective.node().roles().contains(role.configName)) {
          int instances = role == Role.DISPATCHER ? effective.dispatcher().instances() : 1;
          DeploymentOptions options = new DeploymentOptions().setConfig(verticleConfig).setInstances(instances);
          if (effective.cluster().ha() && role.movable) {
            // HA redeploys by name on the node that takes over; the gateway and bridge stay put (ports, broker).
            await(vertx.deployVerticle(role.className, options.setHa(true)));
          } else {
            await(vertx.deployVerticle(role.verticle, options));
          }
        }
      }
      await(vertx.deployVerticle(new NodeBeacon(effective)));
      List<Deployed> workers = new ArrayList<>();
      for (int i = 1; i <= effective.node().demoWorkers(); i++) {
        TefWorker w = TefWorker.builder("demo-" + effective.node().name() + "-" + i).handleAll(BuiltInHandlers.all(vertx)).build();
        workers.add(new Deployed(await(vertx.deployVerticle(w)), w));
      }
      Object port = vertx.sharedData().getLocalMap(NodeInfo.MAP).get(NodeInfo.HTTP_PORT);
      TefNode node = new TefNode(effective, vertx, embedded, workers, port instanceof Integer p ? p : -1);
      LOG.info("TEF node {} started: roles {}, {} demo workers, store {}, AMQP {}", effective.node().name(), effective.node().roles(),
          workers.size(), embedded != null ? "embedded" : "external",
          effective.amqp().enabled() ? TefConfig.redacted(effective.amqp().url()) : "off (no amqp.url)");
      return node;
    } catch (Exception e) {
      if (vertx != null) {
        vertx.close().toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
      }
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  /** A Vert.x instance as a node of this configuration would have (clustered when it says so), without metrics. */
  public static Vertx createVertx(TefConfig config, String configDir) throws Exception {
    return createVertx(config, configDir, null);
  }

  /** The same, recording Vert.x's own metrics (event loops, event bus, HTTP, JVM) into the node's registry. */
  static Vertx createVertx(TefConfig config, String configDir, NodeMetrics metrics) throws Exception {
    VertxOptions options = new VertxOptions();
    io.vertx.core.VertxBuilder builder = Vertx.builder();
    if (metrics != null && metrics.enabled()) {
      options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true));
      builder.withMetrics(new MicrometerMetricsFactory(metrics.registry()));
    }
    if (!config.cluster().enabled()) {
      return builder.with(options).build();
    }
    EventBusOptions bus = new EventBusOptions().setHost(config.cluster().host()).setPort(config.cluster().port());
    TefConfig.ClusterTls tls = config.cluster().tls();
    if (tls.enabled()) {
      // Both ends show a certificate signed by the cluster's CA: a member without one cannot talk to the bus.
      bus.setSsl(true).setClientAuth(io.vertx.core.http.ClientAuth.REQUIRED)
          .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().setCertPath(tls.cert()).setKeyPath(tls.key()))
          .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(tls.ca()));
    }
    options.setEventBusOptions(bus);
    if (config.cluster().ha()) {
      options.setHAEnabled(true).setHAGroup(config.cluster().haGroup()).setQuorumSize(config.cluster().quorumSize());
    }
    return await(builder.with(options)
        .withClusterManager(ClusterSetup.clusterManager(config.cluster(), configDir))
        .buildClustered());
  }

  private static TefConfig withConnectionString(TefConfig c, String cs) {
    TefConfig.Mongo m = c.mongo();
    return new TefConfig(c.env(), c.node(), c.http(),
        new TefConfig.Mongo(cs, m.database(), m.embeddedBackend(), m.embeddedHost(), m.embeddedPort()),
        c.cluster(), c.dispatcher(), c.collective(), c.resources(), c.auth(), c.registry(), c.taskTypes(), c.amqp(), c.tasker(), c.limits(), c.eventbus(), c.zmq(),
        c.metrics(), c.retention(), c.logging(), c.qworker());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Deploys a worker on this node's Vert.x; it is stopped (and hands back its task) when the node closes. */
  public void addWorker(io.vertx.core.Deployable worker) throws Exception {
    demoWorkers.add(new Deployed(await(vertx.deployVerticle(worker)), worker instanceof TefWorker w ? w : null));
  }

  public TefConfig config() {
    return config;
  }

  /** The port the gateway listens on, or -1 when this node runs no gateway. */
  public int httpPort() {
    return httpPort;
  }

  /**
   * Stops gracefully: demo workers hand back their tasks, verticles finish their store writes,
   * the embedded store closes its file.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    LOG.info("TEF node {} stopping", config.node().name());
    try {
      // Every worker refuses new tasks before any hands one back: else a task handed back by the
      // first to stop could be given to one whose stop has not begun yet.
      await(io.vertx.core.Future.all(demoWorkers.stream().filter(d -> d.worker() != null).map(d -> d.worker().refuseNewTasks()).toList()));
      await(io.vertx.core.Future.all(demoWorkers.stream().map(d -> vertx.undeploy(d.deploymentId())).toList()));
      await(vertx.close());
    } catch (Exception e) {
      LOG.warn("Stopping Vert.x did not finish cleanly: {}", e.toString());
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
    LOG.info("TEF node {} stopped", config.node().name());
  }
}
