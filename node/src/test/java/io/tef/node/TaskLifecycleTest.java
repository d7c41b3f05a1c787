package io.tef.node;

import io.tef.protocol.Addresses;
import io.tef.worker.TefWorker;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One node on the embedded store (H2 on disk) with demo workers: a task's whole life, by REST and event bus. */
class TaskLifecycleTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("node.demo_workers", 1));
  }


  @Test
  void restSubmitRunsToCompletion() throws Exception {
    JsonObject data = new JsonObject().put("message", "hello");
    HttpResponse<Buffer> created = http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("task_data", data).put("priority", 3));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    JsonObject accepted = created.bodyAsJsonObject();
    String guid = accepted.getString("guid");
    assertNotNull(guid, "a guid is generated when none is given");
    assertEquals("/api/tasks/" + guid, created.getHeader("location"));

    JsonObject done = events.await(guid);
    assertEquals("completed", done.getString("state"));

    JsonObject shown = http.get("/api/tasks/" + guid).bodyAsJsonObject();
    assertEquals("completed", shown.getString("state"));
    assertEquals(1, shown.getInteger("attempt"));
    assertEquals(data, shown.getJsonObject("result"));
    assertEquals(100, shown.getInteger("progress"));
    assertTrue(shown.getString("worker").startsWith("demo-test-node-"), shown.encode());
    assertEquals(3, shown.getInteger("priority"));
    Instant createdAt = Instant.parse(shown.getString("created_at"));
    Instant startedAt = Instant.parse(shown.getString("started_at"));
    Instant finishedAt = Instant.parse(shown.getString("finished_at"));
    assertFalse(startedAt.isBefore(createdAt));
    assertFalse(finishedAt.isBefore(startedAt));
  }

  @Test
  void eventBusSubmitRunsToCompletion() throws Exception {
    JsonObject envelope = new JsonObject().put("type", "task").put("task_type", "echo").put("guid", "eb-1").put("task_data", "plain text");
    JsonObject reply = await(node.vertx().eventBus().<JsonObject>request(Addresses.TASKS_SUBMIT, envelope)).body();
    assertTrue(reply.getBoolean("created"));
    assertEquals("eb-1", reply.getJsonObject("task").getString("guid"));

    assertEquals("completed", events.await("eb-1").getString("state"));
    JsonObject shown = http.get("/api/tasks/eb-1").bodyAsJsonObject();
    assertEquals("plain text", shown.getString("result"));
  }

  @Test
  void aGuidThatExistsCreatesNothing() throws Exception {
    JsonObject envelope = new JsonObject().put("task_type", "nobody-runs-this").put("guid", "same-guid").put("task_data", 1);
    HttpResponse<Buffer> first = http.post("/api/tasks", envelope);
    HttpResponse<Buffer> second = http.post("/api/tasks", envelope.copy().put("task_data", 2).put("priority", 9));
    assertEquals(201, first.statusCode());
    assertEquals(200, second.statusCode(), "a retry answers with the stored task");
    assertEquals(1, second.bodyAsJsonObject().getInteger("task_data"), "the stored task, not the retry");
    assertEquals(1, second.bodyAsJsonObject().getInteger("priority"));
    JsonObject list = http.get("/api/tasks?task_type=nobody-runs-this").bodyAsJsonObject();
    assertEquals(1, list.getInteger("count"));

    // Also once the task is finished, and through the event bus.
    await(node.vertx().eventBus().request(Addresses.TASKS_SUBMIT, new JsonObject().put("task_type", "echo").put("guid", "done-guid")));
    events.await("done-guid");
    JsonObject again = await(node.vertx().eventBus().<JsonObject>request(Addresses.TASKS_SUBMIT,
        new JsonObject().put("task_type", "echo").put("guid", "done-guid"))).body();
    assertFalse(again.getBoolean("created"));
    assertEquals("completed", again.getJsonObject("task").getString("state"));
  }

  @Test
  void aFailingTaskIsRetriedThenFailedWithItsReason() throws Exception {
    HttpResponse<Buffer> r = http.post("/api/tasks", new JsonObject().put("task_type", "fail").put("guid", "doomed")
        .put("task_data", "disk on fire").put("max_attempts", 2));
    assertEquals(201, r.statusCode());
    JsonObject done = events.await("doomed");
    assertEquals("failed", done.getString("state"));
    JsonObject shown = http.get("/api/tasks/doomed").bodyAsJsonObject();
    assertEquals("failed", shown.getString("state"));
    assertEquals("disk on fire", shown.getString("fail_reason"));
    assertEquals(2, shown.getInteger("fail_count"));
    assertEquals(2, shown.getInteger("attempt"));
    assertNotNull(shown.getString("failed_at"));
  }

  @Test
  void higherPriorityGoesFirstAndEqualPriorityInSubmissionOrder() throws Exception {
    // One worker, held on a gate task while the queue fills, then released.
    Promise<Object> gate = Promise.promise();
    CompletableFuture<Context> gateTaken = new CompletableFuture<>();
    List<String> started = new java.util.concurrent.CopyOnWriteArrayList<>();
    TefWorker worker = TefWorker.builder("gated-worker")
        .handle("gate", job -> {
          gateTaken.complete(Vertx.currentContext()); // the worker's own event loop
          return gate.future();
        })
        .handle("ranked", job -> {
          started.add(job.guid());
          return Future.succeededFuture(job.guid());
        })
        .build();
    await(node.vertx().deployVerticle(worker));
    await(worker.registration());
    http.post("/api/tasks", new JsonObject().put("task_type", "gate").put("guid", "gate"));
    Context workerContext = gateTaken.get(10, TimeUnit.SECONDS);
    for (String[] t : new String[][] {{"p1-a", "1"}, {"p9", "9"}, {"p1-b", "1"}, {"p5", "5"}}) {
      http.post("/api/tasks", new JsonObject().put("task_type", "ranked").put("guid", t[0]).put("priority", Integer.parseInt(t[1])));
    }
    workerContext.runOnContext(v -> gate.complete("open"));
    for (String guid : List.of("p1-a", "p9", "p1-b", "p5")) {
      events.await(guid);
    }
    // The order the worker was given them; completion events may overtake each other.
    assertEquals(List.of("p9", "p5", "p1-a", "p1-b"), started);
    await(node.vertx().undeploy(worker.deploymentID()));
  }

  @Test
  void listingFiltersAndRejectsBadFilters() throws Exception {
    http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "listed").put("suite_guid", "suite-42"));
    events.await("listed");
    JsonObject bySuite = http.get("/api/tasks?suite_guid=suite-42&state=completed&task_type=echo&limit=10").bodyAsJsonObject();
    assertEquals(1, bySuite.getInteger("count"));
    assertEquals("listed", bySuite.getJsonArray("tasks").getJsonObject(0).getString("guid"));
    assertEquals(0, http.get("/api/tasks?suite_guid=suite-42&state=failed").bodyAsJsonObject().getInteger("count"));

    HttpResponse<Buffer> badState = http.get("/api/tasks?state=sleeping");
    assertEquals(400, badState.statusCode());
    assertEquals("state", badState.bodyAsJsonObject().getString("field"));
    HttpResponse<Buffer> badLimit = http.get("/api/tasks?limit=lots");
    assertEquals(400, badLimit.statusCode());
    assertEquals("limit", badLimit.bodyAsJsonObject().getString("field"));
    HttpResponse<Buffer> missing = http.get("/api/tasks/no-such-task");
    assertEquals(404, missing.statusCode());
    assertEquals("guid", missing.bodyAsJsonObject().getString("field"));
  }

  /**
   * A worker written against the bare event bus: registers, takes a task, and tries to report
   * a wrong attempt and then the right one twice. Only the right one, once, is recorded.
   */
  @Test
  void reportsOfAnyButTheCurrentAttemptAreRefused() throws Exception {
    var bus = node.vertx().eventBus();
    var assignments = new java.util.concurrent.LinkedBlockingQueue<JsonObject>();
    var consumer = bus.<JsonObject>consumer(Addresses.worker("bare-worker"), m -> {
      m.reply(new JsonObject().put("accepted", true));
      assignments.add(m.body());
    });
    await(consumer.completion());
    await(bus.request(Addresses.REGISTRY_REGISTER, new JsonObject().put("name", "bare-worker").put("instance", "i-1")
        .put("task_types", new JsonArray().add("bare"))));
    await(bus.request(Addresses.TASKS_SUBMIT, new JsonObject().put("task_type", "bare").put("guid", "fenced")));
    JsonObject assignment = assignments.poll(10, java.util.concurrent.TimeUnit.SECONDS);
    assertNotNull(assignment, "the task was dispatched to the bare worker");
    int attempt = assignment.getInteger("attempt");
    assertEquals(1, attempt);

    JsonObject stale = new JsonObject().put("guid", "fenced").put("attempt", attempt + 1).put("worker", "bare-worker")
        .put("event", "completed").put("result", "forged");
    ExecutionException refused = assertThrows(ExecutionException.class, () -> await(bus.request(Addresses.TASKS_REPORT, stale)));
    assertEquals(409, assertInstanceOf(ReplyException.class, refused.getCause()).failureCode());

    // Right guid, attempt and worker, as anyone reading the task sees them, but not the dispatch's token: forged.
    JsonObject forged = stale.copy().put("attempt", attempt);
    ExecutionException noToken = assertThrows(ExecutionException.class, () -> await(bus.request(Addresses.TASKS_REPORT, forged)));
    assertEquals(403, assertInstanceOf(ReplyException.class, noToken.getCause()).failureCode());
    assertTrue(noToken.getCause().getMessage().contains("attempt_token"), noToken.getCause().getMessage());
    ExecutionException wrongToken = assertThrows(ExecutionException.class,
        () -> await(bus.request(Addresses.TASKS_REPORT, forged.copy().put("attempt_token", "guessed-token"))));
    assertEquals(403, assertInstanceOf(ReplyException.class, wrongToken.getCause()).failureCode());
    assertFalse(http.get("/api/tasks/fenced").bodyAsString().contains(assignment.getString("attempt_token")), "REST never shows the token");

    JsonObject good = forged.copy().put("attempt_token", assignment.getString("attempt_token")).put("result", "real");
    await(bus.request(Addresses.TASKS_REPORT, good));
    assertEquals("real", events.await("fenced").getString("result"));
    ExecutionException duplicate = assertThrows(ExecutionException.class,
        () -> await(bus.request(Addresses.TASKS_REPORT, good.copy().put("result", "twice"))));
    assertEquals(409, assertInstanceOf(ReplyException.class, duplicate.getCause()).failureCode());
    assertEquals("real", http.get("/api/tasks/fenced").bodyAsJsonObject().getString("result"));
    await(consumer.unregister());
  }
}
