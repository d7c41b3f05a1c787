package io.tef.bench;

import io.tef.core.Addresses;
import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.tef.core.store.MongoTaskStore;
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
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts a node in this JVM on a fresh data folder with K no-op workers, submits N tasks (by
 * event bus, REST or both, C in flight), waits until every one has completed and prints a table.
 */
@Command(name = "tef-bench", mixinStandardHelpOptions = true,
    description = "Measures TEF's task throughput and submit-to-start latency on one in-process node.")
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

  @Option(names = "--dispatchers", description = "Dispatcher verticles sharing the node's store (dispatcher.instances; default ${DEFAULT-VALUE}).",
      defaultValue = "1")
  int dispatchers;

  @Option(names = "--queued", description = "Tasks of a type no worker runs, submitted before the measure: a backlog in the queue and the store (default ${DEFAULT-VALUE}).",
      defaultValue = "0")
  int queued;

  public static void main(String[] args) {
    System.setProperty("logback.configurationFile", System.getProperty("logback.configurationFile", "bench-logback.xml"));
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.exit(new CommandLine(new BenchMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (tasks < 1 || workers < 1 || inFlight < 1 || queued < 0 || dispatchers < 1) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--tasks, --workers and --in-flight must be at least 1");
    }
    Path dataDir = Files.createTempDirectory("tef-bench");
    TefNode node = TefNode.start(config(dataDir), null);
    try {
      return run(node);
    } finally {
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
    overrides.put("dispatcher.instances", dispatchers);
    return ConfigLoader.loadBlocking(Map.of("TEF_ENV", "dev"), overrides);
  }

  private int run(TefNode node) throws Exception {
    Vertx vertx = node.vertx();
    Map<String, Long> startedAt = new ConcurrentHashMap<>();
    List<TefWorker> pool = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      TefWorker w = TefWorker.builder("bench-worker-" + i).handle("noop", job -> {
        startedAt.putIfAbsent(job.guid(), System.nanoTime());
        return Future.succeededFuture(null);
      }).build();
      await(vertx.deployVerticle(w));
      await(w.registration());
      pool.add(w);
    }

    if (queued > 0) {
      long q0 = System.nanoTime();
      Submitter.Result backlog = new Submitter(vertx, node.httpPort(), Submitter.Door.EVENTBUS, inFlight, "backlog").submit(queued).get(60, TimeUnit.MINUTES);
      System.out.printf(java.util.Locale.ROOT, "backlog: %d tasks queued in %.1f s (%d failed)%n", queued, (backlog.endNanos() - q0) / 1e9, backlog.failures());
    }

    CompletableFuture<Long> allDone = new CompletableFuture<>();
    int[] done = {0};
    await(vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_TASKS, m -> {
      if (++done[0] == tasks) {
        allDone.complete(System.nanoTime());
      }
    }).completion());

    Submitter submitter = new Submitter(vertx, node.httpPort(), via, inFlight, "noop");
    long t0 = System.nanoTime();
    Submitter.Result submitted = submitter.submit(tasks).get(30, TimeUnit.MINUTES);
    long tEnd = allDone.get(30, TimeUnit.MINUTES);

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
    MongoTaskStore probeStore = MongoTaskStore.shared(vertx, node.config().mongo().connectionString(), node.config().mongo().database());
    StoreProbe.Rates raw = StoreProbe.measure(vertx, probeStore, Math.min(tasks, 5000), inFlight);
    await(probeStore.close());
    Report.print(new Report(tasks, workers, inFlight, via, store, queued, (submitted.endNanos() - t0) / 1e9, (tEnd - t0) / 1e9,
        submitted.failures(), latencies, usedHeapMiB(), raw));
    return submitted.failures() == 0 && latencies.size() == tasks ? 0 : 1;
  }

  private static double usedHeapMiB() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
