package io.tef.core.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tef.core.config.MetricsSettings;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.time.Duration;

/**
 * A node's metrics: its Micrometer registry (Prometheus's, or one that keeps nothing when
 * {@code metrics.enabled} is false) and TEF's meters on it. Made by the node before its Vert.x
 * (which records its own metrics into the same registry) and left in the Vert.x local map, where
 * each verticle finds it with {@link #of}.
 */
public final class NodeMetrics implements Shareable {

  private static final String MAP = "tef.metrics";
  private static final String KEY = "node";

  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final BoundedLabel taskTypes;
  private final TaskMetrics tasks;
  private final StoreMetrics store;
  /** Made by the first bridge that asks: a node with no bridge shows no AMQP series. */
  private volatile AmqpMetrics amqp;
  /** {@code tef_queue_depth{task_type}}: tasks due and waiting for a worker. */
  public final GaugeFamily queueDepth;
  /** {@code tef_queue_oldest_age_seconds{task_type}}: how long the longest-waiting due task has waited. */
  public final GaugeFamily queueOldestAge;
  /** {@code tef_tasks_waiting{task_type}}: queued tasks not due yet (run_at, retry backoff). */
  public final GaugeFamily waiting;
  /** {@code tef_tasks_running{task_type}}: tasks dispatched to or working on a worker. */
  public final GaugeFamily running;
  /** {@code tef_workers{status}}: workers the collective knows, by status (idle, working, paused...; offline). */
  public final GaugeFamily workers;
  /** {@code tef_worker_task_types{task_type,status}}: workers that serve each type, by status. */
  public final GaugeFamily workersByType;
  /** {@code tef_resource_holders{resource}}, {@code tef_resource_waiters{resource}}, {@code tef_resource_limit{resource}}. */
  public final GaugeFamily resourceHolders;
  public final GaugeFamily resourceWaiters;
  public final GaugeFamily resourceLimit;

  private NodeMetrics(MeterRegistry registry, PrometheusMeterRegistry prometheus, int maxTaskTypes) {
    this.registry = registry;
    this.prometheus = prometheus;
    this.taskTypes = new BoundedLabel(maxTaskTypes);
    this.tasks = new TaskMetrics(registry, taskTypes);
    this.store = new StoreMetrics(registry);
    queueDepth = new GaugeFamily(registry, "tef_queue_depth", "Tasks due and waiting for a worker", null, false, "task_type");
    queueOldestAge = new GaugeFamily(registry, "tef_queue_oldest_age", "How long the longest-waiting due task has waited", "seconds", true, "task_type");
    waiting = new GaugeFamily(registry, "tef_tasks_waiting", "Queued tasks not due yet (a run_at, a retry's backoff)", null, false, "task_type");
    running = new GaugeFamily(registry, "tef_tasks_running", "Tasks dispatched to or working on a worker", null, false, "task_type");
    workers = new GaugeFamily(registry, "tef_workers", "Workers the collective knows, by status", null, false, "status");
    workersByType = new GaugeFamily(registry, "tef_worker_task_types", "Workers that serve each task type, by status", null, false, "task_type", "status");
    resourceHolders = new GaugeFamily(registry, "tef_resource_holders", "Running attempts holding a resource", null, false, "resource");
    resourceWaiters = new GaugeFamily(registry, "tef_resource_waiters", "Due tasks waiting for a resource", null, false, "resource");
    resourceLimit = new GaugeFamily(registry, "tef_resource_limit", "A resource's limit now (its windows applied)", null, true, "resource");
  }

  /** Metrics kept in a Prometheus registry, served at {@code /metrics}. */
  public static NodeMetrics prometheus(MetricsSettings settings) {
    PrometheusMeterRegistry p = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return new NodeMetrics(p, p, settings.maxTaskTypes());
  }

  /** Metrics off: every meter is a no-op, {@link #scrape} answers null. */
  public static NodeMetrics off() {
    return new NodeMetrics(new CompositeMeterRegistry(), null, 1);
  }

  /** Leaves these metrics where this Vert.x's verticles find them. */
  public void install(Vertx vertx) {
    vertx.sharedData().getLocalMap(MAP).put(KEY, this);
  }

  /** The node's metrics; off (no-op meters) on a Vert.x that no node set up, such as a worker process's. */
  public static NodeMetrics of(Vertx vertx) {
    var map = vertx.sharedData().<String, NodeMetrics>getLocalMap(MAP);
    NodeMetrics m = map.get(KEY);
    if (m == null) {
      map.putIfAbsent(KEY, off());
      m = map.get(KEY);
    }
    return m;
  }

  public MeterRegistry registry() {
    return registry;
  }

  public boolean enabled() {
    return prometheus != null;
  }

  /** The registry in Prometheus's text format, or null when metrics are off. */
  public String scrape() {
    return prometheus == null ? null : prometheus.scrape();
  }

  /** The label value of a task type (the first {@code metrics.max_task_types} keep their name). */
  public String taskType(String type) {
    return taskTypes.of(type);
  }

  public TaskMetrics tasks() {
    return tasks;
  }

  public StoreMetrics store() {
    return store;
  }

  public synchronized AmqpMetrics amqp() {
    if (amqp == null) {
      amqp = new AmqpMetrics(registry);
    }
    return amqp;
  }

  /** Closes the registry (the node is stopping). */
  public void close() {
    registry.close();
  }

  static Duration[] seconds(double... s) {
    Duration[] d = new Duration[s.length];
    for (int i = 0; i < s.length; i++) {
      d[i] = Duration.ofNanos((long) (s[i] * 1e9));
    }
    return d;
  }
}
