package io.tef.node;

import io.tef.protocol.Addresses;
import io.tef.worker.TefWorker;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Workers report progress (clamped to 0..100) and log lines; both are stored with the task and shown by GET. */
class ProgressAndLogsTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of());
  }


  @Test
  void progressIsClampedAndShownWhileTheTaskRuns() throws Exception {
    try (BareWorker worker = new BareWorker(node, "bare-progress", "measured")) {
      http.post("/api/tasks", new JsonObject().put("task_type", "measured").put("guid", "pr-1"));
      int attempt = worker.next().getInteger("attempt");
      var bus = node.vertx().eventBus();
      await(bus.request(Addresses.TASKS_REPORT, worker.report("pr-1", attempt, "progress", null).put("progress", 250)));
      JsonObject shown = awaitTask("pr-1", t -> t.getInteger("progress") == 100);
      assertEquals("working", shown.getString("state"));
      await(bus.request(Addresses.TASKS_REPORT, worker.report("pr-1", attempt, "progress", null).put("progress", -7)));
      awaitTask("pr-1", t -> t.getInteger("progress") == 0);

      ExecutionException bad = assertThrows(ExecutionException.class,
          () -> await(bus.request(Addresses.TASKS_REPORT, worker.report("pr-1", attempt, "progress", null).put("progress", "half"))));
      assertEquals(400, assertInstanceOf(ReplyException.class, bad.getCause()).failureCode());
      ExecutionException badLevel = assertThrows(ExecutionException.class,
          () -> await(bus.request(Addresses.TASKS_REPORT, worker.report("pr-1", attempt, "log", null).put("level", "shout").put("message", "x"))));
      assertEquals(400, assertInstanceOf(ReplyException.class, badLevel.getCause()).failureCode());
      await(bus.request(Addresses.TASKS_REPORT, worker.report("pr-1", attempt, "completed", "ok")));
      events.await("pr-1");
    }
  }

  @Test
  void anSdkJobsLogLinesAndProgressAreKeptWithTheTask() throws Exception {
    TefWorker worker = TefWorker.builder("chatty-worker").handle("chatty", job -> {
      job.info("starting");
      job.progress(50);
      job.warn("half way");
      job.error("a recoverable error");
      return Future.succeededFuture("fine");
    }).build();
    await(node.vertx().deployVerticle(worker));
    await(worker.registration());
    http.post("/api/tasks", new JsonObject().put("task_type", "chatty").put("guid", "chat-1"));
    events.await("chat-1");
    JsonObject shown = http.get("/api/tasks/chat-1").bodyAsJsonObject();
    JsonArray logs = shown.getJsonArray("logs");
    assertEquals(3, logs.size(), logs.encode());
    assertEquals("info", logs.getJsonObject(0).getString("level"));
    assertEquals("starting", logs.getJsonObject(0).getString("message"));
    assertEquals("warn", logs.getJsonObject(1).getString("level"));
    assertEquals("error", logs.getJsonObject(2).getString("level"));
    assertEquals(1, logs.getJsonObject(2).getInteger("attempt"));
    assertEquals(100, shown.getInteger("progress"), "completed");
    assertEquals("fine", shown.getString("result"));
    await(node.vertx().undeploy(worker.deploymentID()));
  }

  @Test
  void onlyTheNewestLogLinesAreKept() throws Exception {
    TefWorker worker = TefWorker.builder("verbose-worker").handle("verbose", job -> {
      for (int i = 0; i < 130; i++) {
        job.info("line " + i);
      }
      return Future.succeededFuture(null);
    }).build();
    await(node.vertx().deployVerticle(worker));
    await(worker.registration());
    http.post("/api/tasks", new JsonObject().put("task_type", "verbose").put("guid", "verbose-1"));
    events.await("verbose-1");
    JsonArray logs = http.get("/api/tasks/verbose-1").bodyAsJsonObject().getJsonArray("logs");
    assertEquals(100, logs.size());
    assertEquals("line 30", logs.getJsonObject(0).getString("message"));
    assertEquals("line 129", logs.getJsonObject(99).getString("message"));
    await(node.vertx().undeploy(worker.deploymentID()));
  }

  /** Progress reaches the store within a second; the node is polled until it shows. */
  private static JsonObject awaitTask(String guid, Predicate<JsonObject> condition) throws Exception {
    return Polling.until("task " + guid + " matches", java.time.Duration.ofSeconds(10),
        () -> http.get("/api/tasks/" + guid).bodyAsJsonObject(), condition);
  }
}
