package io.tef.node;

import io.tef.protocol.Addresses;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TEF as the manager of Qworker workers: real Qworker-protocol workers (agenda 0.7.9 and mubsub
 * 1.4.0 in Node.js processes, {@link QworkerProcess}) on the node's embedded store. Node.js and
 * npm must be installed.
 */
class QworkerTest {

  /** Short, so that the tests are quick; long enough that a worker starting on a loaded machine pings in time. */
  private static final long PING_MS = 1000;
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dataDir;
  private TefNode node;
  private Http http;
  private String mongoUrl;
  private final List<JsonObject> notifications = Collections.synchronizedList(new ArrayList<>());
  private final List<QworkerProcess> workers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    node = TestNodes.start(dataDir, Map.of("qworker.enabled", true, "qworker.ping_interval_ms", PING_MS, "qworker.process_every_ms", 200,
        "registry.auto_define", false));
    http = new Http(node.vertx(), node.httpPort());
    mongoUrl = node.config().mongo().connectionString() + "/" + node.config().mongo().database();
    for (String type : List.of("qw-echo", "qw-parent", "qw-slow")) {
      assertEquals(201, http.put("/api/task-types/" + type, new JsonObject().put("max_attempts", 3)).statusCode());
    }
    assertEquals(201, http.put("/api/task-types/qw-fail", new JsonObject().put("max_attempts", 1)).statusCode());
    TestNodes.await(node.vertx().eventBus().<JsonObject>consumer(Addresses.EVENTS_NOTIFICATIONS, m -> notifications.add(m.body())).completion());
  }

  @AfterEach
  void stop() throws Exception {
    for (QworkerProcess w : workers) {
      w.close();
    }
    http.close();
    node.close();
  }

  private QworkerProcess worker(String id, String... tasks) throws Exception {
    QworkerProcess w = QworkerProcess.start(mongoUrl, id, tasks);
    workers.add(w);
    return w;
  }

  private JsonObject submit(String guid, String type, JsonObject data) throws Exception {
    var r = http.post("/api/tasks", new JsonObject().put("guid", guid).put("task_type", type).put("task_data", data));
    assertTrue(r.statusCode() / 100 == 2, r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  private JsonObject task(String guid) throws Exception {
    return http.get("/api/tasks/" + guid).bodyAsJsonObject();
  }

  private JsonObject awaitState(String guid, String state, QworkerProcess w) {
    return Polling.until("task " + guid + " " + state, WAIT, () -> task(guid), t -> {
      if (!t.getString("state", "").equals(state) && List.of("completed", "failed", "cancelled").contains(t.getString("state"))) {
        throw new AssertionError("task " + guid + " ended " + t.encode() + "\nworker:\n" + w.output());
      }
      return state.equals(t.getString("state"));
    });
  }

  @Test
  @Timeout(180)
  void aWorkerIsStartedRunsJobsReportsAndAsksForSubTasks() throws Exception {
    QworkerProcess w = worker("qw-a", "qw-echo", "qw-fail", "qw-parent");
    // <pid>/start: its own collection, the ping interval, the tasks' metadata (names from its define:tasks)
    w.await("started", WAIT, "started collection=qworker.qw-a ping=" + PING_MS + " tasks=qw-echo:Echo,qw-fail:Fail,qw-parent:Parent");
    JsonObject record = Polling.until("qw-a registered", WAIT, () -> http.get("/api/workers/qw-a"), r -> r.statusCode() == 200).bodyAsJsonObject();
    assertEquals("idle", record.getString("status"), record.encode());
    assertEquals("qworker", record.getString("via"), record.encode());

    submit("qw-e1", "qw-echo", new JsonObject().put("x", 1));
    JsonObject done = awaitState("qw-e1", "completed", w);
    assertEquals(new JsonObject().put("echoed", new JsonObject().put("x", 1)).put("by", "qw-a"), done.getJsonObject("result"), done.encode());
    assertEquals("qw-a", done.getString("worker"));
    assertEquals(100, done.getInteger("progress"));
    assertTrue(done.getJsonArray("logs").encode().contains("echoing {\\\"x\\\":1}"), done.encode());
    // Its notifications on tef.events.notifications, in TEF's names, for the task and attempt
    Polling.until("qw-e1's notifications", WAIT, () -> List.copyOf(notifications), list -> types(list, "qw-e1").containsAll(List.of("start", "log:info", "progress", "success")));
    JsonObject progress = notifications.stream().filter(n -> "qw-e1".equals(n.getString("source_id")) && "progress".equals(n.getString("type"))).findFirst().orElseThrow();
    assertEquals("qw-a", progress.getString("worker_id"));
    assertEquals("job", progress.getString("source_type"));
    assertEquals(1, progress.getInteger("attempt"));

    submit("qw-f1", "qw-fail", new JsonObject().put("file", "a.txt"));
    JsonObject failed = awaitState("qw-f1", "failed", w);
    assertEquals("no disk for a.txt", failed.getString("fail_reason"), failed.encode());
    assertTrue(failed.getJsonArray("logs").encode().contains("about to fail"), failed.encode());

    // schedule:task from a job: a TEF task of that type with those options as its data, run by the worker
    submit("qw-p1", "qw-parent", new JsonObject().put("name", "dad"));
    awaitState("qw-p1", "completed", w);
    JsonObject child = Polling.until("the sub-task", WAIT, () -> http.get("/api/tasks?task_type=qw-echo&state=completed").bodyAsJsonObject(),
        page -> page.getJsonArray("tasks").stream().anyMatch(t -> new JsonObject().put("child_of", "dad").equals(((JsonObject) t).getJsonObject("task_data"))));
    assertTrue(child.encode().contains("\"by\":\"qw-a\""), child.encode());
  }

  @Test
  @Timeout(180)
  void managerStopAndStartFollowTheDispatcherState() throws Exception {
    QworkerProcess w = worker("qw-m", "qw-echo");
    w.await("started", WAIT, "started");
    assertEquals(200, http.put("/api/dispatcher/state", new JsonObject().put("state", "paused")).statusCode());
    w.await("paused (manager:stop)", WAIT, "paused");
    submit("qw-m1", "qw-echo", new JsonObject().put("n", 1));
    assertEquals("queued", task("qw-m1").getString("state"), "a paused dispatcher gives a paused worker nothing");
    assertEquals(200, http.put("/api/dispatcher/state", new JsonObject().put("state", "running")).statusCode());
    w.await("resumed (manager:start)", WAIT, "resumed");
    awaitState("qw-m1", "completed", w);
  }

  @Test
  @Timeout(180)
  void aKilledWorkersJobIsRedispatchedWithinTwicePingAndASecond() throws Exception {
    QworkerProcess first = worker("qw-k1", "qw-slow");
    first.await("started", WAIT, "started");
    submit("qw-s1", "qw-slow", new JsonObject().put("ms", 3000).put("tag", "k"));
    first.await("the job", WAIT, l -> l.startsWith("job qw-slow") && l.contains("\"tag\":\"k\""));
    QworkerProcess second = worker("qw-k2", "qw-slow");
    second.await("started", WAIT, "started");
    long killedAt = System.nanoTime();
    first.kill();
    JsonObject again = Polling.until("attempt 2 on qw-k2", WAIT, () -> task("qw-s1"), t -> t.getInteger("attempt") == 2 && "qw-k2".equals(t.getString("worker")));
    long ms = (System.nanoTime() - killedAt) / 1_000_000;
    System.out.println("QworkerTest: the killed worker's task was on qw-k2 " + ms + " ms after the kill");
    assertTrue(ms <= 2 * PING_MS + 1000, "redispatched " + ms + " ms after the kill: " + again.encode());
    second.await("the job on qw-k2", WAIT, l -> l.startsWith("job qw-slow") && l.contains("\"tag\":\"k\""));
    JsonObject done = awaitState("qw-s1", "completed", second);
    assertEquals("qw-k2", done.getJsonObject("result").getString("by"));
    JsonObject k1 = http.get("/api/workers/qw-k1").bodyAsJsonObject();
    assertEquals("offline", k1.getString("status"), k1.encode());
  }

  @Test
  @Timeout(120)
  void aCancelledTaskSendsJobCancelToItsWorker() throws Exception {
    QworkerProcess w = worker("qw-c", "qw-slow", "qw-echo");
    w.await("started", WAIT, "started");
    submit("qw-c1", "qw-slow", new JsonObject().put("ms", 20_000).put("tag", "c"));
    String job = w.await("the job", WAIT, l -> l.startsWith("job qw-slow") && l.contains("\"tag\":\"c\""));
    String jobId = job.split(" ")[2];
    assertEquals(200, http.delete("/api/tasks/qw-c1").statusCode());
    w.await("job:cancel of its job", WAIT, "cancelled " + jobId);
    assertEquals("cancelled", task("qw-c1").getString("state"));
    // The worker is free again for the next task
    submit("qw-c2", "qw-echo", new JsonObject().put("n", 2));
    assertEquals("qw-c", awaitState("qw-c2", "completed", w).getString("worker"));
  }

  @Test
  @Timeout(120)
  void aDuplicateIdOrAnUndefinedTaskIsTerminatedWithTheReason() throws Exception {
    QworkerProcess w = worker("qw-d", "qw-echo");
    w.await("started", WAIT, "started");
    QworkerProcess twin = worker("qw-d", "qw-echo");
    String said = twin.await("terminated", WAIT, "terminated: ");
    assertEquals("terminated: worker id 'qw-d' is held by a live worker (pid " + w.pid() + ")", said);
    assertEquals(3, twin.exitCode(WAIT), twin.output());
    QworkerProcess stranger = worker("qw-x", "qw-echo", "qw-nope");
    said = stranger.await("terminated", WAIT, "terminated: ");
    assertTrue(said.contains("qw-nope"), said);
    assertEquals(3, stranger.exitCode(WAIT), stranger.output());
    // the first one still works
    submit("qw-d1", "qw-echo", new JsonObject().put("n", 1));
    assertEquals("qw-d", awaitState("qw-d1", "completed", w).getString("worker"));
  }

  @Test
  @Timeout(120)
  void badMessagesOnTheChannelAreAnsweredNamingTheFieldAndHarmNothing() throws Exception {
    io.vertx.ext.mongo.MongoClient client = io.vertx.ext.mongo.MongoClient.create(node.vertx(), new JsonObject()
        .put("connection_string", node.config().mongo().connectionString()).put("db_name", node.config().mongo().database()));
    try {
      io.tef.core.mubsub.MubsubChannel channel = TestNodes.await(io.tef.core.mubsub.MubsubChannel.open(node.vertx(), client, "mubsub", 5_242_880));
      List<String> heard = Collections.synchronizedList(new ArrayList<>());
      TestNodes.await(channel.subscribe((event, message) -> heard.add(event + " " + message.getString("reason"))));
      TestNodes.await(channel.publish("worker:initialize", new JsonObject().put("id", "bad id").put("pid", 999_001).put("taskIds", new io.vertx.core.json.JsonArray().add("qw-echo"))));
      TestNodes.await(channel.publish("worker:initialize", new JsonObject().put("id", "qw-b").put("pid", 999_002).put("taskIds", "qw-echo")));
      TestNodes.await(channel.publish("worker:initialize", new JsonObject().put("id", "qw-b").put("pid", 999_003).put("taskIds", new io.vertx.core.json.JsonArray().add(7))));
      TestNodes.await(channel.publish("worker:notification", new JsonObject().put("workerId", 5).put("sourceType", "Job").put("type", "success")));
      TestNodes.await(channel.publish("schedule:task", new JsonObject().put("when", "when pigs fly").put("name", "qw-echo")));
      TestNodes.await(channel.publish("define:tasks", new JsonObject().put("value", "not a list")));
      Polling.until("three terminations", WAIT, () -> List.copyOf(heard), h -> h.stream().filter(e -> e.contains("/terminate")).count() == 3);
      assertTrue(heard.contains("999001/terminate id: must be 1 to 100 letters, digits and _ . : -, got 'bad id'"), heard.toString());
      assertTrue(heard.stream().anyMatch(e -> e.startsWith("999002/terminate taskIds: must list 1 to 200 task ids")), heard.toString());
      assertTrue(heard.stream().anyMatch(e -> e.startsWith("999003/terminate taskIds[0]: must be a task id")), heard.toString());
      Polling.until("the refused sub-task named", WAIT, () -> List.copyOf(notifications),
          n -> n.stream().anyMatch(e -> "manager".equals(e.getString("source_type")) && e.getString("msg", "").contains("run_at")));
      // The door still works
      QworkerProcess w = worker("qw-ok", "qw-echo");
      w.await("started", WAIT, "started");
      submit("qw-ok1", "qw-echo", new JsonObject());
      awaitState("qw-ok1", "completed", w);
      channel.close();
    } finally {
      client.close();
    }
  }

  @Test
  void aStartWaitsForTheWorkersTaskMetadataAndAWorkerThatNeverDescribesItsTasksIsTerminatedSayingSo() throws Exception {
    io.vertx.ext.mongo.MongoClient client = io.vertx.ext.mongo.MongoClient.create(node.vertx(), new JsonObject()
        .put("connection_string", node.config().mongo().connectionString()).put("db_name", node.config().mongo().database()));
    try {
      io.tef.core.mubsub.MubsubChannel channel = TestNodes.await(io.tef.core.mubsub.MubsubChannel.open(node.vertx(), client, "mubsub", 5_242_880));
      Map<String, JsonObject> heard = new java.util.concurrent.ConcurrentHashMap<>();
      TestNodes.await(channel.subscribe((event, message) -> heard.put(event, message)));
      // define:tasks heard only once the worker is admitted (two publishes of one process can land in either order)
      TestNodes.await(channel.publish("worker:initialize", new JsonObject().put("id", "qw-late").put("pid", 999_010)
          .put("taskIds", new io.vertx.core.json.JsonArray().add("qw-echo"))));
      Polling.until("qw-late admitted", WAIT, Duration.ofMillis(20), () -> http.get("/api/workers/qw-late").statusCode(), c -> c == 200);
      assertEquals(null, heard.get("999010/start"), "no start before the task's metadata is heard");
      TestNodes.await(channel.publish("define:tasks", new JsonObject().put("value", new io.vertx.core.json.JsonArray()
          .add(new JsonObject().put("id", "qw-echo").put("definition", "/opt/tasks/qw-echo.js")))));
      TestNodes.await(channel.publish("worker:initialize", new JsonObject().put("id", "qw-silent").put("pid", 999_011)
          .put("taskIds", new io.vertx.core.json.JsonArray().add("qw-slow"))));
      JsonObject start = Polling.until("start for the late-described worker", WAIT, () -> heard.get("999010/start"), java.util.Objects::nonNull);
      assertEquals("/opt/tasks/qw-echo.js", start.getJsonArray("tasks").getJsonObject(0).getString("definition"), start.encode());
      JsonObject terminate = Polling.until("the silent worker terminated", WAIT, () -> heard.get("999011/terminate"), java.util.Objects::nonNull);
      assertTrue(terminate.getString("reason").startsWith("no define:tasks described task qw-slow within 1000 ms"), terminate.encode());
      assertEquals(null, heard.get("999011/start"), "no start without the task's metadata");
      channel.close();
    } finally {
      client.close();
    }
  }

  private static List<String> types(List<JsonObject> list, String guid) {
    return list.stream().filter(n -> guid.equals(n.getString("source_id"))).map(n -> n.getString("type")).toList();
  }
}
