package io.tef.node;

import io.tef.protocol.Addresses;
import io.tef.worker.TefWorker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tef worker} as its own process: it joins the node's cluster, its death is noticed
 * within 2 x its ping + 1 s and its task redispatched at once, a taken id is refused, and a
 * standalone worker runs handlers from jars, the shell, and options from the environment and
 * a config file.
 */
class WorkerProcessTest {

  @TempDir
  static Path dataDir;
  @TempDir
  static Path scratch;
  static TefNode node;
  static TerminalEvents events;

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.start(dataDir, Map.of("cluster.enabled", true, "cluster.host", "127.0.0.1", "dispatcher.dispatch_timeout_ms", 15000));
    events = TerminalEvents.listen(node);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aKilledWorkerProcessIsNoticedWithinTwicePingPlusOneSecondAndItsTaskRunsOnce() throws Exception {
    long pingMs = 500;
    try (NodeProcess worker = NodeProcess.worker(Map.of(), "--cluster", "--cluster-host", "127.0.0.1", "--id", "wp-kill",
        "--tasks", "sleep", "--ping", pingMs + "ms")) {
      worker.awaitReady();
      Vertx vertx = node.vertx();
      // The CLI announces its --ping, and that it takes abandon.
      JsonObject record = Polling.until("wp-kill is registered with the collective", java.time.Duration.ofSeconds(10),
          () -> await(vertx.eventBus().<JsonObject>request(Addresses.COLLECTIVE_WORKERS, new JsonObject().put("id", "wp-kill")))
              .body().getJsonArray("workers").stream().map(JsonObject.class::cast).filter(w -> w.getBoolean("alive")).findFirst().orElse(null),
          w -> true);
      assertEquals(pingMs, record.getLong("ping_interval_ms"), record.encode());
      assertEquals(true, record.getBoolean("takes_abandon"), record.encode());
      CompletableFuture<Long> offlineAt = new CompletableFuture<>();
      long[] killedAtRef = {Long.MAX_VALUE};
      var probe = vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_WORKERS, m -> {
        if ("offline".equals(m.body().getString("event")) && "wp-kill".equals(m.body().getString("name")) && System.nanoTime() > killedAtRef[0]) {
          offlineAt.complete(System.nanoTime());
        }
      });
      await(probe.completion());
      await(vertx.eventBus().request(Addresses.TASKS_SUBMIT, new JsonObject().put("task_type", "sleep").put("guid", "killed-mid-task")
          .put("task_data", new JsonObject().put("ms", 600_000))));
      awaitState("killed-mid-task", "working", "wp-kill");
      CompletableFuture<Long> rescuedAt = new CompletableFuture<>();
      TefWorker rescue = TefWorker.builder("rescue").handle("sleep", job -> {
        rescuedAt.complete(System.nanoTime());
        return Future.succeededFuture("rescued");
      }).build();
      await(vertx.deployVerticle(rescue));
      await(rescue.registration());
      long killedAt = System.nanoTime();
      killedAtRef[0] = killedAt;
      worker.kill();
      long detectionMs = TimeUnit.NANOSECONDS.toMillis(offlineAt.get(30, TimeUnit.SECONDS) - killedAt);
      long redispatchMs = TimeUnit.NANOSECONDS.toMillis(rescuedAt.get(30, TimeUnit.SECONDS) - killedAt);
      JsonObject done = events.await("killed-mid-task");
      assertEquals("completed", done.getString("state"));
      assertEquals("rescued", done.getString("result"));
      assertTrue(done.getInteger("attempt") >= 2, "a new attempt: " + done.encode());
      assertEquals(1, done.getInteger("lost_count"), "the attempt lost with the killed worker counts: " + done.encode());
      assertTrue(detectionMs <= 2 * pingMs + 1000, "offline " + detectionMs + " ms after the kill");
      System.out.println("worker kill -9: offline after " + detectionMs + " ms, running again on another worker after "
          + redispatchMs + " ms (ping " + pingMs + " ms)");
      await(probe.unregister());
      await(vertx.undeploy(rescue.deploymentID()));
    }
  }

  @Test
  void anIdHeldByALiveWorkerIsRefusedAndTheProcessStopsWithTheReason() throws Exception {
    TefWorker holder = TefWorker.builder("taken-id").handle("echo", job -> Future.succeededFuture(job.data())).build();
    await(node.vertx().deployVerticle(holder));
    await(holder.registration());
    try (NodeProcess worker = NodeProcess.worker(Map.of(), "--cluster", "--cluster-host", "127.0.0.1", "--id", "taken-id",
        "--tasks", "echo", "--ping", "200ms")) {
      assertEquals(1, worker.awaitExit());
      assertTrue(worker.output().contains("is held by a live worker"), worker.output());
    } finally {
      await(node.vertx().undeploy(holder.deploymentID()));
    }
  }

  @Test
  void aStandaloneWorkerRunsTasksFromJarsAndTheShellWithOptionsFromEnvironmentAndFile() throws Exception {
    Path tasks = Files.createDirectories(scratch.resolve("tasks"));
    buildTaskJar(tasks);
    Files.writeString(tasks.resolve("upper.json"), "{\"name\": \"Upper\", \"description\": \"shouts\", \"suffix\": \"!\"}");
    Path config = scratch.resolve("worker.yaml");
    Files.writeString(config, "id: from-file\nallow_shell: true\nslots: 2\nstop_grace: 1s\npaths: [" + tasks + "]\n");
    Map<String, String> env = Map.of("TEF_WORKER_TASKS", "upper,shell", "TEF_WORKER_STANDALONE", "true",
        "TEF_NODE_DATA_DIR", scratch.resolve("standalone-data").toString());
    try (NodeProcess worker = NodeProcess.worker(env, "--config", config.toString())) {
      int port = worker.awaitReady();
      assertTrue(worker.output().contains("TEF worker from-file ready"), worker.output());
      assertTrue(worker.output().contains("2 slots [from-file:1, from-file:2]"), worker.output());
      try (Http http = new Http(node.vertx(), port)) {
        http.post("/api/tasks", new JsonObject().put("task_type", "upper").put("guid", "up-1").put("task_data", "hello"));
        http.post("/api/tasks", new JsonObject().put("task_type", "shell").put("guid", "sh-1")
            .put("task_data", new JsonObject().put("command", "echo out; echo err >&2; exit 3")));
        assertEquals("HELLO!", http.awaitState("up-1", "completed").getString("result"));
        JsonObject sh = http.awaitState("sh-1", "completed").getJsonObject("result");
        assertEquals(3, sh.getInteger("status"));
        assertEquals("out\n", sh.getString("stdout"));
        assertEquals("err\n", sh.getString("stderr"));
      }
      worker.terminate();
    }
  }

  @Test
  void badWorkerOptionsExitWithTwoAndSayWhy() throws Exception {
    Map<String, String> env = Map.of("TEF_NODE_DATA_DIR", scratch.resolve("bad-options").toString());
    String[][] cases = {
        {"--standalone", "--tasks", "shell"},
        {"--standalone", "--tasks", "no-such-type"},
        {"--tasks", "echo"},
        {"--cluster", "--standalone", "--tasks", "echo"},
        {"--standalone", "--tasks", "echo", "--ping", "fast"},
        {"--standalone", "--tasks", "echo", "--slots", "0"},
        {"--standalone", "--tasks", "echo", "--stop-grace", "soon"},
    };
    String[] expected = {"--allow-shell", "no handler for task type 'no-such-type'", "--cluster (join", "exclude each other", "--ping",
        "--slots: must be a whole number from 1 to 64", "--stop-grace: 'soon' is not a duration"};
    for (int i = 0; i < cases.length; i++) {
      try (NodeProcess worker = NodeProcess.worker(env, cases[i])) {
        assertEquals(2, worker.awaitExit(), worker.output());
        assertTrue(worker.output().contains(expected[i]), "expected '" + expected[i] + "' in: " + worker.output());
      }
    }
  }

  private static JsonObject awaitState(String guid, String state, String worker) throws Exception {
    JsonObject list = Polling.until("worker " + worker + " reports " + state + " on " + guid, java.time.Duration.ofSeconds(30),
        () -> await(node.vertx().eventBus().<JsonObject>request(Addresses.COLLECTIVE_GET_WORKERS, new JsonObject())).body(),
        l -> holding(l, worker, guid) != null);
    return holding(list, worker, guid);
  }

  private static JsonObject holding(JsonObject list, String worker, String guid) {
    for (Object o : list.getJsonArray("response")) {
      JsonObject w = (JsonObject) o;
      if (worker.equals(w.getString("name")) && guid.equals(w.getString("task"))) {
        return w;
      }
    }
    return null;
  }


  /** A task jar as a user would build one: a TaskHandlerFactory listed as a service. */
  private static void buildTaskJar(Path dir) throws Exception {
    Path src = Files.createDirectories(scratch.resolve("src/demo"));
    Path classes = Files.createDirectories(scratch.resolve("classes"));
    Files.writeString(src.resolve("Upper.java"), """
        package demo;
        public class Upper implements io.tef.worker.TaskHandlerFactory {
          public String taskType() { return "upper"; }
          public io.tef.worker.TaskHandler create(io.vertx.core.Vertx vertx, io.vertx.core.json.JsonObject meta) {
            return job -> io.vertx.core.Future.succeededFuture(String.valueOf(job.data()).toUpperCase() + meta.getString("suffix", ""));
          }
        }
        """);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter log = new StringWriter();
    int rc = javac.run(null, null, new java.io.PrintStream(new ByteArrayOutputStream()), "-cp", System.getProperty("java.class.path"),
        "-d", classes.toString(), src.resolve("Upper.java").toString());
    assertEquals(0, rc, "the demo task compiles " + log);
    try (OutputStream out = Files.newOutputStream(dir.resolve("upper-task.jar")); JarOutputStream jar = new JarOutputStream(out)) {
      jar.putNextEntry(new JarEntry("demo/Upper.class"));
      jar.write(Files.readAllBytes(classes.resolve("demo/Upper.class")));
      jar.closeEntry();
      jar.putNextEntry(new JarEntry("META-INF/services/io.tef.worker.TaskHandlerFactory"));
      jar.write("demo.Upper\n".getBytes());
      jar.closeEntry();
    }
  }
}
