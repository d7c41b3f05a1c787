package io.tef.node;

import io.tef.core.config.TefConfig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The node the fuzz doors are tried on: its own JVM ({@link NodeProcess}), clustered so this JVM
 * joins its event bus, with one demo worker for the canary echo task, its embedded store served on
 * a port so the suite can count the documents, and the AMQP bridge on the test broker when there
 * is one. A node found unhealthy is killed and replaced by one on a fresh data folder (a task that
 * wedged the dispatcher would wedge it again from the store).
 */
final class FuzzNode implements AutoCloseable {

  final Vertx vertx;
  final AmqpBroker broker;
  private final Path root;
  private NodeProcess process;
  private HttpClient http;
  private MongoClient store;
  private int port;
  private int zmqPort;
  private int generation;
  private long canaries;
  final Set<String> canaryGuids = new HashSet<>();
  static final String TASKER_TYPE = "fzdeploy";

  /** An answer over HTTP: a status, or 0 when none came within the timeout (then {@code error} says what happened). */
  record Reply(int status, String contentType, String body, String error, boolean late) {

    Reply(int status, String contentType, String body, String error) {
      this(status, contentType, body, error, false);
    }

    boolean answered() {
      return status > 0;
    }

    Figures.Answer answerClass() {
      if (status == 0) {
        return Figures.Answer.UNANSWERED;
      }
      if (status >= 200 && status < 300) {
        return Figures.Answer.OK_2XX;
      }
      if (status >= 400 && status < 500) {
        return Figures.Answer.REFUSED_4XX;
      }
      if (status >= 500) {
        return Figures.Answer.ERROR_5XX;
      }
      return Figures.Answer.OTHER;
    }

    JsonObject json() {
      try {
        return new JsonObject(body);
      } catch (RuntimeException e) {
        return null;
      }
    }
  }

  private FuzzNode(Vertx vertx, AmqpBroker broker, Path root) {
    this.vertx = vertx;
    this.broker = broker;
    this.root = root;
  }

  /** Starts the node, and this JVM's clustered Vert.x; the broker may be null (no AMQP door then). */
  static FuzzNode start(AmqpBroker broker) throws Exception {
    FuzzNode n = new FuzzNode(joinCluster(clusterName("fuzz")), broker, Files.createTempDirectory("tef-fuzz-"));
    n.launch();
    return n;
  }

  /** A Vert.x of this JVM in the test run's cluster (as ClusteredWorkerTest joins it). */
  /**
   * Each chaos test has a cluster of its own: a node JVM a test killed, or its Hazelcast member
   * still leaving, must never take part in the next test (a second collective would answer there).
   */
  static String clusterName(String test) {
    return TestNodes.CLUSTER_NAME + "-" + test;
  }

  static Vertx joinCluster(String clusterName) throws Exception {
    TefConfig.Cluster cluster = new TefConfig.Cluster(true, "127.0.0.1", 0, "", clusterName, List.of(), false, "tef", 1);
    return TestNodes.await(Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0)))
        .withClusterManager(ClusterSetup.clusterManager(cluster, null))
        .buildClustered());
  }

  private void launch() throws Exception {
    generation++;
    int storePort;
    try (ServerSocket s = new ServerSocket(0)) {
      storePort = s.getLocalPort();
    }
    try (ServerSocket s = new ServerSocket(0)) {
      zmqPort = s.getLocalPort();
    }
    List<String> args = new ArrayList<>(List.of("--cluster", "--cluster-host", "127.0.0.1", "--demo-workers", "1",
        "--store-listen", "127.0.0.1:" + storePort, "--name", "fuzz-" + generation, "--zmq-port", String.valueOf(zmqPort)));
    java.util.Map<String, String> env = new java.util.HashMap<>();
    env.put("TEF_CLUSTER_NAME", clusterName("fuzz"));
    if (broker != null) {
      // tasker's routes and addresses exist only for listed types (and with the bridge); a list is set from the environment
      env.put("TEF_TASKER_TASK_TYPES", TASKER_TYPE);
      args.addAll(List.of("--set", "tasker.wait_for_endpoints_timeout_ms=500"));
    }
    if (broker != null) {
      args.addAll(List.of("--set", "amqp.url=" + AmqpBroker.URL, "--set", "amqp.env=" + broker.env, "--set", "amqp.reconnect_max_ms=1000"));
    }
    process = NodeProcess.start(Files.createDirectories(root.resolve("data-" + generation)), env, args.toArray(String[]::new));
    port = process.awaitReady();
    http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setMaxInitialLineLength(1 << 20).setMaxHeaderSize(1 << 20)
        // A connection per request: an answer that leaves a kept-alive connection out of step would blame the next input.
        .setKeepAlive(false), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(16));
    store = MongoClient.createShared(vertx, new JsonObject().put("connection_string", "mongodb://127.0.0.1:" + storePort)
        .put("db_name", "tef"), "fuzz-store-" + generation);
    if (broker != null) {
      awaitBridge();
    }
    String why = healthy();
    if (why != null) {
      throw new IllegalStateException("a fresh node is not healthy: " + why + "\n" + process.output());
    }
  }

  private void awaitBridge() throws Exception {
    Polling.until("GET /health answers 200 (the bridge is up)", java.time.Duration.ofSeconds(20), java.time.Duration.ofMillis(100),
        () -> request(HttpMethod.GET, "/health", null, null).status(), status -> status == 200);
  }

  int port() {
    return port;
  }

  /** The ZeroMQ door's port (Task Engine clients). */
  int zmqPort() {
    return zmqPort;
  }

  NodeProcess process() {
    return process;
  }

  /**
   * One HTTP request; never throws. One that gets no answer in time is sent once more (on a loaded
   * machine an answer can be slow): an answer then is late, not missing.
   */
  Reply request(HttpMethod method, String uri, MultiMap headers, Buffer body) {
    Reply r = requestOnce(method, uri, headers, body);
    if (r.answered()) {
      return r;
    }
    Reply again = requestOnce(method, uri, headers, body);
    return again.answered() ? new Reply(again.status(), again.contentType(), again.body(), null, true) : r;
  }

  private Reply requestOnce(HttpMethod method, String uri, MultiMap headers, Buffer body) {
    CompletableFuture<Reply> out = new CompletableFuture<>();
    RequestOptions o = new RequestOptions().setMethod(method).setURI(uri).setIdleTimeout(Chaos.ANSWER_TIMEOUT_MS);
    if (headers != null) {
      o.setHeaders(headers);
    }
    try {
      http.request(o)
          .compose(req -> body == null ? req.send() : req.send(body))
          .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.getHeader("content-type"), b.toString(), null)))
          .onComplete(ar -> out.complete(ar.succeeded() ? ar.result() : new Reply(0, null, null, String.valueOf(ar.cause()))));
      return out.get(Chaos.ANSWER_TIMEOUT_MS + 2000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return new Reply(0, null, null, "no answer within " + Chaos.ANSWER_TIMEOUT_MS + " ms (" + e.getClass().getSimpleName() + ")");
    }
  }

  Reply get(String uri) {
    return request(HttpMethod.GET, uri, null, null);
  }

  Reply postJson(String uri, String body) {
    return request(HttpMethod.POST, uri, MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json"), Buffer.buffer(body));
  }

  /**
   * Null when the node is healthy: GET /health answers 200, the dispatcher runs (set back to
   * running if a fuzzed input paused it: that is allowed), and a canary echo task completes.
   */
  String healthy() throws Exception {
    Reply h = get("/health");
    if (h.status() != 200) {
      return "GET /health answered " + (h.answered() ? h.status() + " " + Printable.of(h.body(), 200) : "nothing: " + h.error());
    }
    Reply state = get("/api/dispatcher/state");
    JsonObject s = state.json();
    if (state.status() != 200 || s == null) {
      return "GET /api/dispatcher/state answered " + (state.answered() ? state.status() + " " + Printable.of(state.body(), 200) : "nothing: " + state.error());
    }
    if (!"running".equals(s.getString("state"))) {
      request(HttpMethod.PUT, "/api/dispatcher/state", MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json"),
          Buffer.buffer("{\"state\":\"running\"}"));
    }
    String guid = "canary-" + generation + "-" + (++canaries);
    canaryGuids.add(guid);
    Reply c = postJson("/api/tasks", "{\"task_type\":\"echo\",\"guid\":\"" + guid + "\",\"task_data\":" + canaries + "}");
    if (c.status() != 201) {
      return "the canary echo task was answered " + (c.answered() ? c.status() + " " + Printable.of(c.body(), 200) : "nothing: " + c.error());
    }
    JsonObject[] last = {null};
    try {
      Polling.until("the canary completes", java.time.Duration.ofSeconds(10), () -> last[0] = get("/api/tasks/" + guid).json(),
          t -> "completed".equals(t.getString("state")));
      return null;
    } catch (AssertionError timedOut) {
      return "the canary echo task did not complete within 10 s (last seen " + (last[0] == null ? "nothing" : last[0].getString("state")) + ")";
    }
  }

  /** The guids of every task document in the store. */
  Set<String> storedGuids() throws Exception {
    List<JsonObject> docs = TestNodes.await(store.findWithOptions("tasks", new JsonObject(),
        new FindOptions().setFields(new JsonObject().put("_id", 1).put("guid", 1))));
    Set<String> out = new HashSet<>();
    for (JsonObject d : docs) {
      out.add(io.tef.core.task.TaskIds.guidOf(d));
    }
    return out;
  }

  /** One task document as stored (the store's own shape), or null. */
  JsonObject storedDocument(String id) throws Exception {
    return TestNodes.await(store.findOne("tasks", new JsonObject().put("_id", io.tef.core.task.TaskIds.documentId(id)), null));
  }

  /** kill -9 and a new node on a fresh data folder; the AMQP input queues are emptied first (a wedging message would come back). */
  void replace() throws Exception {
    String lastOutput = process.output();
    process.kill();
    http.close();
    store.close();
    if (broker != null) {
      for (String q : List.of("manager", "task_queue.control", "dispatcher.control", "worker.control")) {
        try {
          broker.channel.queuePurge(broker.prefix() + "." + q);
        } catch (Exception ignored) {
          // not declared yet
        }
      }
    }
    Files.writeString(root.resolve("node-" + generation + ".log"), lastOutput);
    launch();
  }

  /** Lines of the node's output that say something went wrong (exceptions, errors), for the report. */
  List<String> troubleLines(int max) {
    List<String> out = new ArrayList<>();
    for (String line : process.output().split("\n")) {
      if ((line.contains(" ERROR ") || line.contains("Exception") || line.contains(" WARN ")) && out.size() < max) {
        out.add(line);
      }
    }
    return out;
  }

  static JsonArray array(Object... values) {
    return new JsonArray(List.of(values));
  }

  @Override
  public void close() throws Exception {
    try {
      process.terminate();
    } catch (Exception e) {
      process.kill();
    }
    Future<Void> closed = vertx.close();
    TestNodes.await(closed);
    // The data folders and the logs of replaced nodes; kept when -Dtef.chaos.keep=true.
    if (!Boolean.getBoolean("tef.chaos.keep")) {
      try (var paths = Files.walk(root)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
