package io.tef.bench;

import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.tef.core.store.mongo.MongoTaskStore;
import io.tef.core.task.Task;
import io.tef.core.task.TaskJson;
import io.tef.core.task.TaskQuery;
import io.tef.node.TefNode;
import io.tef.protocol.task.TaskDefaults;
import io.tef.protocol.task.TaskEnvelope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * How fast a suite is read back from a big embedded store: a node on a data folder holding N
 * finished tasks outside any suite and one suite of M finished tasks, then the two reads behind
 * {@code GET /api/suites/{id}} ({@code countByState} and {@code list} of 1000) through
 * {@link MongoTaskStore} at the node's store, and the GET itself. A data folder given with
 * {@code --data-dir} is filled once and kept, so runs of different builds read the same store.
 */
@Command(name = "suite-probe", mixinStandardHelpOptions = true,
    description = "Times GET /api/suites/{id} and the store reads behind it on an embedded store holding many other tasks.")
public final class SuiteProbe implements Callable<Integer> {

  private static final String SUITE = "suite-probe";

  @Option(names = "--others", description = "Finished tasks in no suite (default ${DEFAULT-VALUE}).", defaultValue = "1000000")
  int others;

  @Option(names = "--suite-size", description = "Tasks of the suite read back (default ${DEFAULT-VALUE}).", defaultValue = "10000")
  int suiteSize;

  @Option(names = "--calls", description = "Timed calls of each kind (default ${DEFAULT-VALUE}).", defaultValue = "50")
  int calls;

  @Option(names = "--warmup", description = "Calls of each kind made first and not timed (default ${DEFAULT-VALUE}).", defaultValue = "5")
  int warmup;

  @Option(names = "--data-dir", description = "Keep the store here; filled only when it holds no tasks (default: a temporary folder, deleted).")
  Path dataDir;

  public static void main(String[] args) {
    System.setProperty("logback.configurationFile", System.getProperty("logback.configurationFile", "bench-logback.xml"));
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.exit(new CommandLine(new SuiteProbe()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (others < 0 || suiteSize < 1 || calls < 1 || warmup < 0) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--others and --warmup at least 0, --suite-size and --calls at least 1");
    }
    Path dir = dataDir != null ? dataDir : Files.createTempDirectory("tef-suite-probe");
    long n0 = System.nanoTime();
    // The node runs the store, as it does in use; the probe reaches the store at the node's address.
    TefNode tef = TefNode.start(config(dir), null);
    try {
      System.out.printf(Locale.ROOT, "node started in %.1f s%n", (System.nanoTime() - n0) / 1e9);
      probeStore(tef);
      probeGet(tef);
      return 0;
    } finally {
      tef.close();
      if (dataDir == null) {
        try (Stream<Path> files = Files.walk(dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  /** The two reads behind the GET, through the dispatcher's own store class. */
  private void probeStore(TefNode tef) throws Exception {
    Vertx vertx = tef.vertx();
    String connection = tef.config().mongo().connectionString();
    String database = tef.config().mongo().database();
    MongoClient client = MongoClient.create(vertx, new JsonObject().put("connection_string", connection).put("db_name", database));
    // The count command, not countDocuments: that one is an aggregate, which reads every document.
    long stored = ((Number) await(client.runCommand("count", new JsonObject().put("count", MongoTaskStore.COLLECTION))).getValue("n")).longValue();
    if (stored == 0) {
      fill(client);
      stored = (long) others + suiteSize;
    } else {
      System.out.printf(Locale.ROOT, "the store holds %d tasks already: not filled%n", stored);
    }
    await(client.close());
    MongoTaskStore tasks = MongoTaskStore.shared(vertx, connection, database);
    List<Double> counts = new ArrayList<>();
    List<Double> lists = new ArrayList<>();
    List<Double> both = new ArrayList<>();
    long[] seen = new long[2];
    for (int i = 0; i < warmup + calls; i++) {
      long t0 = System.nanoTime();
      Map<String, Long> byState = await(tasks.countByState(SUITE));
      long t1 = System.nanoTime();
      List<Task> listed = await(tasks.list(new TaskQuery(null, null, SUITE, TaskQuery.MAX_LIMIT)));
      long t2 = System.nanoTime();
      if (i >= warmup) {
        counts.add((t1 - t0) / 1e6);
        lists.add((t2 - t1) / 1e6);
        both.add((t2 - t0) / 1e6);
      }
      seen[0] = byState.values().stream().mapToLong(Long::longValue).sum();
      seen[1] = listed.size();
    }
    await(tasks.close());
    System.out.printf(Locale.ROOT, "suite probe, store over the wire: %d tasks, %d of them in the suite, %d listed; "
            + "countByState + list(%d) p50 %.1f ms, p99 %.1f ms (countByState p50 %.1f ms, list p50 %.1f ms; %d calls)%n",
        stored, seen[0], seen[1], TaskQuery.MAX_LIMIT, percentile(both, 50), percentile(both, 99),
        percentile(counts, 50), percentile(lists, 50), calls);
  }

  private void probeGet(TefNode tef) throws Exception {
    probeGet(tef, null);
    probeGet(tef, TaskQuery.MAX_LIMIT);
  }

  /** The GET with {@code ?limit=} (null: the default page). */
  private void probeGet(TefNode tef, Integer limit) throws Exception {
    String uri = "/api/suites/" + SUITE + (limit == null ? "" : "?limit=" + limit);
    WebClient http = WebClient.create(tef.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(tef.httpPort()).setKeepAlive(true));
    List<Double> gets = new ArrayList<>();
    long total = 0;
    int listed = 0;
    int failed = 0;
    String failure = "";
    for (int i = 0; i < warmup + calls; i++) {
      long t0 = System.nanoTime();
      var response = await(http.get(uri).send());
      long t1 = System.nanoTime();
      if (response.statusCode() != 200) {
        // A store too slow for the dispatcher to answer in time: counted, not timed.
        failed++;
        failure = String.format(Locale.ROOT, "; %d answered %d (%s)", failed, response.statusCode(), response.bodyAsJsonObject().getString("error"));
        continue;
      }
      total = response.bodyAsJsonObject().getLong("total");
      listed = response.bodyAsJsonObject().getJsonArray("tasks").size();
      if (i >= warmup) {
        gets.add((t1 - t0) / 1e6);
      }
    }
    http.close();
    System.out.printf(Locale.ROOT, "suite probe, node: GET %s (total %d, %d tasks in the answer) p50 %.1f ms, p99 %.1f ms (%d calls answered%s)%n",
        uri.replace(SUITE, "{id}"), total, listed, gets.isEmpty() ? Double.NaN : percentile(gets, 50),
        gets.isEmpty() ? Double.NaN : percentile(gets, 99), gets.size(), failure);
  }

  /** Bulk inserts of finished task documents, a few batches in flight: the others first, then the suite. */
  private void fill(MongoClient client) throws Exception {
    long f0 = System.nanoTime();
    Instant base = Instant.parse("2024-01-01T00:00:00Z");
    FinishedTasks.fill(client, others, "other", null, base, 10);
    // The suite's tasks come in bursts: ten share each millisecond, as a suite submitted at once does.
    FinishedTasks.fill(client, suiteSize, "member", SUITE, base.plusMillis(5L * others), 0.1);
    System.out.printf(Locale.ROOT, "filled %d + %d tasks in %.1f s%n", others, suiteSize, (System.nanoTime() - f0) / 1e9);
  }

  private static TefConfig config(Path dir) throws Exception {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("node.data_dir", dir.toString());
    overrides.put("node.name", "suite-probe");
    overrides.put("http.port", 0);
    overrides.put("http.host", "127.0.0.1");
    overrides.put("mongo.embedded_backend", "h2");
    return ConfigLoader.loadBlocking(Map.of("TEF_ENV", "dev"), overrides);
  }

  private static double percentile(List<Double> values, int p) {
    List<Double> sorted = values.stream().sorted().toList();
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
  }
}
