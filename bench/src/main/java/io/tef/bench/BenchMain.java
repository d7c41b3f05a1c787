package io.tef.bench;

import io.tef.protocol.Addresses;
import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.tef.core.store.mongo.MongoTaskStore;
import io.tef.node.TefNode;
import io.tef.worker.TefWorker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts a node in this JVM on a fresh data folder with K no-op workers, submits N tasks (by
 * event bus, REST or both, C in flight), waits until every one has completed and prints a table.
 * With {@code --dispatcher-nodes N} the dispatchers run in N other JVMs on this node's store.
 */
@Command(name = "tef-bench", mixinStandardHelpOptions = true,
    description = "Measures TEF's task throughput and submit-to-start latency on one in-process node, "
        + "or with its dispatchers in other JVMs (--dispatcher-nodes).")
public final class BenchMain implements Callable<Integer> {

  @Option(names = "--tasks", description = "Tasks to submit (default ${DEFAULT-VALUE}).", defaultValue = "10000")
  int tasks;

  @Option(names = "--workers", description = "No-op workers (default ${DEFAULT-VALUE}).", defaultValue = "8")
  int workers;

  @Option(names = "--in-flight", description = "Submissions in flight at once (default ${DEFAULT-VALUE}).", defaultValue = "64")
  int inFlight;

  @Option(names = "--via", description = "eventbus, rest or both (alternating; default ${DEFAULT-VALUE}).", defaultValue = "both")
  Submitter.Door via;

  @Option(names = "--store", description = "h2 (on disk, the default) or memory.", defaultValue = "h2")
  String store;

  @Option(names = "--dispatchers", description = "Dispatcher verticles sharing the store, on this node or on each dispatcher node (dispatcher.instances; default ${DEFAULT-VALUE}).",
      defaultValue = "1")
  int dispatchers;

  @Option(names = "--dispatcher-nodes", description = "Run the dispatchers in N other JVMs (java -jar --node-jar node --cluster --roles dispatcher,collective,registry) "
      + "on this JVM's store; this JVM keeps the store, the gateway and the workers. 0: all in this JVM (default ${DEFAULT-VALUE}).",
      defaultValue = "0")
  int dispatcherNodes;

  @Option(names = "--node-jar", description = "The node jar the dispatcher nodes run (default ${DEFAULT-VALUE}).", defaultValue = "node/target/tef.jar")
  Path nodeJar;

  @Option(names = "--warmup", description = "Tasks run first (64 in flight at least) and not measured, so the JIT has compiled the path (default ${DEFAULT-VALUE}).",
      defaultValue = "20000")
  int warmup;

  @Option(names = "--worker-jvms", description = "Run the workers as users deploy them: N JVMs of their own (java -jar --node-jar worker --cluster "
      + "--tasks echo --slots S), and the producer in a process of its own (--producer). 0: workers in this JVM (default ${DEFAULT-VALUE}).",
      defaultValue = "0")
  int workerJvms;

  @Option(names = "--slots", description = "Slots of each worker JVM (default ${DEFAULT-VALUE}).", defaultValue = "8")
  int slots;

  @Option(names = "--producer", description = "With --worker-jvms: the producer process submits over rest, eventbus (a clustered client) or amqp (default rest).")
  Submitter.Door producer;

  @Option(names = "--idle", description = "With --worker-jvms: after the measure, tasks submitted one at a time (20 ms apart) for the latency of an idle system (default ${DEFAULT-VALUE}).",
      defaultValue = "500")
  int idle;

  @Option(names = "--amqp-url", description = "The broker for --producer amqp (default ${DEFAULT-VALUE}).", defaultValue = "amqp://guest:guest@127.0.0.1:5672")
  String amqpUrl;

  @Option(names = "--finished", description = "Finished tasks written into the store before anything runs: the history the measure runs beside (default ${DEFAULT-VALUE}).",
      defaultValue = "0")
  int finished;

  @Option(names = "--queued", description = "Tasks of a type no worker runs, submitted before the measure: a backlog in the queue and the store (default ${DEFAULT-VALUE}).",
      defaultValue = "0")
  int queued;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any node setting, as tef node --set takes it (e.g. retention.completed=1m).")
  Map<String, String> settings = new HashMap<>();

  public static void main(String[] args) {
    System.setProperty("logback.configurationFile", System.getProperty("logback.configurationFile", "bench-logback.xml"));
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.exit(new CommandLine(new BenchMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (tasks < 1 || workers < 1 || inFlight < 1 || queued < 0 || warmup < 0 || dispatchers < 1 || finished < 0) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--tasks, --workers, --in-flight and --dispatchers must be at least 1; --queued, --finished and --warmup at least 0");
    }
    if (dispatcherNodes < 0 || dispatcherNodes > 8) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--dispatcher-nodes must be 0 to 8");
    }
    if (workerJvms < 0 || workerJvms > 8 || slots < 1 || slots > 64 || idle < 0) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--worker-jvms must be 0 to 8, --slots 1 to 64, --idle at least 0");
    }
    if (producer != null && (workerJvms == 0 || producer == Submitter.Door.BOTH)) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--producer is rest, eventbus or amqp, and goes with --worker-jvms (in this JVM: --via)");
    }
    if (workerJvms > 0 && (dispatcherNodes > 0 || queued > 0)) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--worker-jvms does not combine with --dispatcher-nodes or --queued");
    }
    if ((dispatcherNodes > 0 || workerJvms > 0) && !Files.isRegularFile(nodeJar)) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--node-jar " + nodeJar.toAbsolutePath()
          + " not found: build it (mvn -q -DskipTests package) or name it with --node-jar");
    }
    Path dataDir = Files.createTempDirectory("tef-bench");
    TefNode node = TefNode.start(config(dataDir), null);
    DispatcherNodes others = null;
    try {
      if (finished > 0) {
        writeHistory(node);
      }
      if (workerJvms > 0) {
        return new DeployedRun(deployed(), node).run();
      }
      if (dispatcherNodes > 0) {
        others = DispatcherNodes.start(dispatcherNodes, nodeJar, clusterName(), node.config().mongo().connectionString(), dispatchers, dataDir);
        awaitDispatchers(node.vertx(), (long) dispatcherNodes * dispatchers);
      }
      int exit = run(node, others);
      storeFile(dataDir);
      return exit;
    } finally {
      if (others != null) {
        others.close(); // before the store they use goes away
      }
      node.close();
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private TefConfig config(Path dataDir) throws Exception {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("node.data_dir", dataDir.toString());
    overrides.put("node.name", "bench");
    overrides.put("http.port", 0);
    overrides.put("http.host", "127.0.0.1");
    overrides.put("mongo.embedded_backend", store);
    if (dispatcherNodes > 0) {
      // This JVM: the store (served on loopback to the dispatcher nodes), the gateway and the
      // workers; every dispatcher is in another process, as in a cluster.
      overrides.put("cluster.enabled", true);
      overrides.put("cluster.host", "127.0.0.1");
      overrides.put("cluster.name", clusterName());
      overrides.put("node.roles", List.of("gateway"));
    } else {
      overrides.put("dispatcher.instances", dispatchers);
    }
    if (workerJvms > 0) {
      overrides.putAll(DeployedRun.nodeOverrides(deployed()));
    }
    overrides.putAll(settings);
    return ConfigLoader.loadBlocking(Map.of("TEF_ENV", "dev"), overrides);
  }

  private DeployedRun.Settings deployed() {
    return new DeployedRun.Settings(tasks, warmup, inFlight, workerJvms, slots, producer == null ? Submitter.Door.REST : producer, idle,
        nodeJar, clusterName(), amqpUrl, "bench-" + ProcessHandle.current().pid());
  }

  /** The embedded store's file after the run: what retention keeps it to (the file never shrinks; freed pages are reused). */
  private static void storeFile(Path dataDir) throws java.io.IOException {
    try (Stream<Path> files = Files.list(dataDir)) {
      long bytes = files.filter(p -> p.getFileName().toString().endsWith(".mv")).mapToLong(p -> p.toFile().length()).sum();
      System.out.printf(Locale.ROOT, "store file after the run (MiB): %.1f%n", bytes / 1048576.0);
    }
  }

  /** A cluster of this run alone: never joins a node of another run or a developer's cluster. */
  private static String clusterName() {
    return "tef-bench-" + ProcessHandle.current().pid();
  }

  private String mode() {
    return dispatcherNodes == 0
        ? String.format(Locale.ROOT, "mode: %d dispatcher%s in this JVM (dispatcher.instances), beside the store, gateway and workers",
            dispatchers, dispatchers == 1 ? "" : "s")
        : String.format(Locale.ROOT, "mode: %d dispatcher node%s in other JVMs (%d dispatcher%s each, with collective and registry); "
            + "this JVM: store, gateway, workers", dispatcherNodes, dispatcherNodes == 1 ? "" : "s", dispatchers, dispatchers == 1 ? "" : "s");
  }

  /** The finished tasks of {@code --finished}, straight into the node's store over the wire, as any client would. */
  private void writeHistory(TefNode node) throws Exception {
    long h0 = System.nanoTime();
    io.vertx.ext.mongo.MongoClient client = io.vertx.ext.mongo.MongoClient.create(node.vertx(), new JsonObject()
        .put("connection_string", node.config().mongo().connectionString()).put("db_name", node.config().mongo().database()));
    try {
      FinishedTasks.fill(client, finished, "history", null, java.time.Instant.parse("2024-01-01T00:00:00Z"), 10);
    } finally {
      await(client.close());
    }
    System.out.printf(Locale.ROOT, "history: %d finished tasks written into the store in %.1f s%n", finished, (System.nanoTime() - h0) / 1e9);
  }

  /** Every dispatcher knows the others: a control message reaches them all and counts them. */
  private static void awaitDispatchers(Vertx vertx, long count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = await(vertx.eventBus().<JsonObject>request(Addresses.DISPATCHER_CONTROL,
            io.tef.protocol.DispatcherControl.SET_STATE.message("running"))).body();
        if (last.getLong("dispatchers", 0L) == count) {
          return;
        }
      } catch (Exception e) {
        last = new JsonObject().put("error", String.valueOf(e.getMessage()));
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("expected " + count + " dispatchers to answer; last answer " + last);
  }

  private int run(TefNode node, DispatcherNodes others) throws Exception {
    Vertx vertx = node.vertx();
    Map<String, Long> startedAt = new ConcurrentHashMap<>();
    List<TefWorker> pool = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      TefWorker w = TefWorker.builder("bench-worker-" + i).handle("noop", job -> {
        startedAt.putIfAbsent(job.guid(), System.nanoTime());
        return Future.succeededFuture(null);
      }).handle("warmup", job -> Future.succeededFuture(null)).build();
      await(vertx.deployVerticle(w));
      await(w.registration());
      pool.add(w);
    }

    if (warmup > 0) {
      CompletableFuture<Void> warm = new CompletableFuture<>();
      int[] ended = {0};
      var warmEnds = vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_TASKS, m -> {
        if (++ended[0] == warmup) {
          warm.complete(null);
        }
      });
      await(warmEnds.completion());
      long w0 = System.nanoTime();
      new Submitter(vertx, node.httpPort(), via, Math.max(inFlight, 64), "warmup").submit(warmup).get(30, TimeUnit.MINUTES);
      warm.get(30, TimeUnit.MINUTES);
      await(warmEnds.unregister());
      System.out.printf(java.util.Locale.ROOT, "warm-up: %d tasks run first in %.1f s, not measured%n", warmup, (System.nanoTime() - w0) / 1e9);
    }

    if (queued > 0) {
      long q0 = System.nanoTime();
      Submitter.Result backlog = new Submitter(vertx, node.httpPort(), Submitter.Door.EVENTBUS, inFlight, "backlog").submit(queued).get(60, TimeUnit.MINUTES);
      System.out.printf(java.util.Locale.ROOT, "backlog: %d tasks queued in %.1f s (%d failed)%n", queued, (backlog.endNanos() - q0) / 1e9, backlog.failures());
    }

    // A worker turned a dispatch away because another dispatcher's task runs there, then said it
    // is idle again: the price of several dispatchers sharing workers, counted here.
    java.util.concurrent.atomic.AtomicInteger idleHints = new java.util.concurrent.atomic.AtomicInteger();
    await(vertx.eventBus().<JsonObject>consumer(Addresses.DISPATCHER_WORKERS, m -> {
      if ("idle".equals(m.body().getString("event"))) {
        idleHints.incrementAndGet();
      }
    }).completion());
    CompletableFuture<Long> allDone = new CompletableFuture<>();
    int[] done = {0};
    await(vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_TASKS, m -> {
      if (++done[0] == tasks) {
        allDone.complete(System.nanoTime());
      }
    }).completion());

    Submitter submitter = new Submitter(vertx, node.httpPort(), via, inFlight, "noop");
    Cpu cpu0 = Cpu.now(others);
    long t0 = System.nanoTime();
    Submitter.Result submitted = submitter.submit(tasks).get(30, TimeUnit.MINUTES);
    long tEnd = allDone.get(30, TimeUnit.MINUTES);
    String cpu = Cpu.now(others).since(cpu0, (tEnd - t0) / 1e9, others);
    int refusals = idleHints.get();

    List<Double> latencies = new ArrayList<>(tasks);
    submitted.submittedAt().forEach((guid, t) -> {
      Long s = startedAt.get(guid);
      if (s != null) {
        latencies.add((s - t) / 1e6);
      }
    });
    latencies.sort(Double::compare);
    for (TefWorker w : pool) {
      await(vertx.undeploy(w.deploymentID()));
    }
    if (others != null) {
      others.close(); // after the workers said offline to their collectives; the store probe then measures the store alone
    }
    MongoTaskStore probeStore = MongoTaskStore.shared(vertx, node.config().mongo().connectionString(), node.config().mongo().database());
    StoreProbe.Rates raw = StoreProbe.measure(vertx, probeStore, Math.min(tasks, 5000), inFlight);
    await(probeStore.close());
    Report.print(new Report(tasks, workers, inFlight, via, store, queued, (submitted.endNanos() - t0) / 1e9, (tEnd - t0) / 1e9,
        submitted.failures(), latencies, usedHeapMiB(), raw, mode(), cpu, refusals));
    return submitted.failures() == 0 && latencies.size() == tasks ? 0 : 1;
  }

  /** CPU seconds used so far by this JVM and by each dispatcher node: where the cores went during the measure. */
  private record Cpu(double self, List<Double> others) {

    static Cpu now(DispatcherNodes nodes) {
      double self = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
      return new Cpu(self, nodes == null ? List.of() : nodes.cpu().stream().map(d -> d.toNanos() / 1e9).toList());
    }

    String since(Cpu before, double wallSeconds, DispatcherNodes nodes) {
      StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "cpu during the measure (%.1f s wall, %d cores): this JVM %.1f s",
          wallSeconds, Runtime.getRuntime().availableProcessors(), self - before.self));
      double total = self - before.self;
      for (int i = 0; i < others.size(); i++) {
        double used = others.get(i) - before.others.get(i);
        total += used;
        out.append(String.format(Locale.ROOT, ", %s %.1f s", nodes.names().get(i), used));
      }
      return out.append(String.format(Locale.ROOT, "; %.0f %% of the machine", 100 * total / (wallSeconds * Runtime.getRuntime().availableProcessors()))).toString();
    }
  }

  private static double usedHeapMiB() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
