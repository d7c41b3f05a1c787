package io.tef.node;

import io.tef.protocol.Addresses;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dispatcher state, stalls and cancel, with workers whose every report the test controls. */
class DispatcherControlTest {

  @TempDir
  Path dataDir;
  TefNode node;
  Http http;
  TerminalEvents events;
  EventBus bus;

  @BeforeEach
  void start() throws Exception {
    node = TestNodes.start(dataDir, Map.of("node.demo_workers", 1));
    http = new Http(node.vertx(), node.httpPort());
    events = TerminalEvents.listen(node);
    bus = node.vertx().eventBus();
  }

  @AfterEach
  void stop() {
    http.close();
    node.close();
  }

  private int failureCode(io.vertx.core.Future<?> request) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(request));
    return assertInstanceOf(ReplyException.class, e.getCause()).failureCode();
  }

  @Test
  void pausedAcceptsButDispatchesNothingUntilRunning() throws Exception {
    HttpResponse<Buffer> paused = http.put("/api/dispatcher/state", new JsonObject().put("state", "paused"));
    assertEquals(200, paused.statusCode(), paused.bodyAsString());
    assertEquals("paused", paused.bodyAsJsonObject().getString("state"));

    assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "held")).statusCode());
    // Dispatch happens in the same turn as the submit; had it been allowed, it would have happened.
    JsonObject state = http.get("/api/dispatcher/state").bodyAsJsonObject();
    assertEquals("paused", state.getString("state"));
    assertEquals(1, state.getInteger("queued"), state.encode());
    assertEquals("queued", http.get("/api/tasks/held").bodyAsJsonObject().getString("state"));

    JsonObject running = await(bus.<JsonObject>request(Addresses.DISPATCHER_CONTROL, new JsonObject().put("type", "set_state").put("data", "running"))).body();
    assertEquals("running", running.getString("response"));
    assertEquals("completed", events.await("held").getString("state"));
  }

  @Test
  void stoppedRecordsNoEndingUntilRunning() throws Exception {
    try (BareWorker worker = new BareWorker(node, "bare-stop", "bare")) {
      http.post("/api/tasks", new JsonObject().put("task_type", "bare").put("guid", "s-1"));
      int attempt = worker.next().getInteger("attempt");
      http.put("/api/dispatcher/state", new JsonObject().put("state", "stopped"));
      assertEquals(503, failureCode(bus.request(Addresses.TASKS_REPORT, worker.report("s-1", attempt, "completed", "done"))));
      assertEquals("working", http.awaitState("s-1", "working").getString("state"), "its ending not recorded while stopped");
      http.put("/api/dispatcher/state", new JsonObject().put("state", "running"));
      await(bus.request(Addresses.TASKS_REPORT, worker.report("s-1", attempt, "completed", "done")));
      assertEquals("done", events.await("s-1").getString("result"));
    }
  }

  @Test
  void aStalledTaskIsRedispatchedAndItsLateResultRefused() throws Exception {
    try (BareWorker worker = new BareWorker(node, "bare-stall", "slow")) {
      http.post("/api/tasks", new JsonObject().put("task_type", "slow").put("guid", "st-1").put("time_limit", 1).put("max_attempts", 2));
      JsonObject first = worker.next();
      assertEquals(1, first.getInteger("attempt"));
      JsonObject abandon = worker.next(); // after time_limit: the dispatcher takes it back
      assertEquals("abandon", abandon.getString("type"));
      assertEquals("st-1", abandon.getString("guid"));
      JsonObject second = worker.next();
      assertEquals(2, second.getInteger("attempt"), "redispatched under a new attempt");

      // Refused as gone (410): TEF ended that attempt itself, so a door settles it quietly.
      assertEquals(410, failureCode(bus.request(Addresses.TASKS_REPORT, worker.report("st-1", 1, "completed", "late"))));
      await(bus.request(Addresses.TASKS_REPORT, worker.report("st-1", 2, "completed", "on time")));
      JsonObject done = events.await("st-1");
      assertEquals("on time", done.getString("result"));
      JsonObject shown = http.get("/api/tasks/st-1").bodyAsJsonObject();
      assertEquals(1, shown.getInteger("fail_count"));
      assertTrue(shown.getString("fail_reason").startsWith("stalled"), shown.getString("fail_reason"));
    }
  }

  @Test
  void aTaskThatStallsEveryTimeEndsFailed() throws Exception {
    try (BareWorker worker = new BareWorker(node, "bare-stall-2", "stuck")) {
      http.post("/api/tasks", new JsonObject().put("task_type", "stuck").put("guid", "st-2").put("time_limit", 1).put("max_attempts", 1));
      worker.next();
      JsonObject done = events.await("st-2");
      assertEquals("failed", done.getString("state"));
      assertTrue(done.getString("fail_reason").contains("time_limit of 1 s"), done.getString("fail_reason"));
    }
  }

  @Test
  void anSdkWorkerAbandonsAStalledTaskAndIsFreeForTheNext() throws Exception {
    http.post("/api/tasks", new JsonObject().put("task_type", "sleep").put("guid", "st-sdk")
        .put("task_data", new JsonObject().put("ms", 60_000)).put("time_limit", 1).put("max_attempts", 2));
    JsonObject done = events.await("st-sdk");
    assertEquals("failed", done.getString("state"));
    assertEquals(2, done.getInteger("attempt"));
    http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "after-stall"));
    assertEquals("completed", events.await("after-stall").getString("state"), "the only demo worker took new work");
  }

  @Test
  void cancelQueuedAndRunningTasks() throws Exception {
    http.post("/api/tasks", new JsonObject().put("task_type", "nobody").put("guid", "c-queued"));
    HttpResponse<Buffer> cancelled = http.delete("/api/tasks/c-queued");
    assertEquals(200, cancelled.statusCode(), cancelled.bodyAsString());
    assertEquals("cancelled", cancelled.bodyAsJsonObject().getString("state"));
    assertEquals("cancelled", http.get("/api/tasks/c-queued").bodyAsJsonObject().getString("state"));
    assertEquals(409, http.delete("/api/tasks/c-queued").statusCode());
    assertEquals(404, http.delete("/api/tasks/never-was").statusCode());

    try (BareWorker worker = new BareWorker(node, "bare-cancel", "long")) {
      http.post("/api/tasks", new JsonObject().put("task_type", "long").put("guid", "c-running"));
      int attempt = worker.next().getInteger("attempt");
      assertEquals(200, http.delete("/api/tasks/c-running").statusCode());
      JsonObject abandon = worker.next();
      assertEquals("abandon", abandon.getString("type"));
      assertEquals(410, failureCode(bus.request(Addresses.TASKS_REPORT, worker.report("c-running", attempt, "completed", "too late"))));
      JsonObject shown = http.get("/api/tasks/c-running").bodyAsJsonObject();
      assertEquals("cancelled", shown.getString("state"));
      assertEquals(null, shown.getValue("result"));
    }
  }

  /**
   * A worker that did not say it takes abandon (TEF's own would run the message as a task) is
   * never sent one: cancelled, its task is fenced off, and the worker is busy until its late
   * result comes, refused as gone (410); then it gets the next task.
   */
  @Test
  void aWorkerThatTakesNoAbandonIsNotSentOneAndIsFreeAfterItsLateResult() throws Exception {
    try (BareWorker worker = BareWorker.notTakingAbandon(node, "bare-no-abandon", "plain")) {
      http.post("/api/tasks", new JsonObject().put("task_type", "plain").put("guid", "na-1"));
      JsonObject first = worker.next();
      int attempt = first.getInteger("attempt");
      assertEquals(200, http.delete("/api/tasks/na-1").statusCode());
      http.post("/api/tasks", new JsonObject().put("task_type", "plain").put("guid", "na-2"));
      assertEquals("queued", http.get("/api/tasks/na-2").bodyAsJsonObject().getString("state"),
          "the worker still runs the cancelled task: it gets nothing new");

      ReplyException late = assertInstanceOf(ReplyException.class, assertThrows(ExecutionException.class,
          () -> await(bus.request(Addresses.TASKS_REPORT, worker.report("na-1", attempt, "completed", "late")))).getCause());
      assertEquals(410, late.failureCode(), late.getMessage());
      assertTrue(late.getMessage().contains("cancelled"), late.getMessage());
      // Messages to one address arrive in the order they were sent: an abandon would come first.
      JsonObject next = worker.next();
      assertEquals("task", next.getString("type"), "no abandon was sent: " + next.encode());
      assertEquals("na-2", next.getJsonObject("task").getString("guid"));
      assertEquals("cancelled", http.get("/api/tasks/na-1").bodyAsJsonObject().getString("state"));
      assertEquals(null, http.get("/api/tasks/na-1").bodyAsJsonObject().getValue("result"));
    }
  }

  @Test
  void badControlMessagesNameTheField() throws Exception {
    HttpResponse<Buffer> bad = http.put("/api/dispatcher/state", new JsonObject().put("state", "sleepy"));
    assertEquals(400, bad.statusCode());
    assertEquals("state", bad.bodyAsJsonObject().getString("field"));
    assertEquals(400, http.put("/api/dispatcher/state", "not json").statusCode());
    assertEquals(400, failureCode(bus.request(Addresses.DISPATCHER_CONTROL, new JsonObject().put("type", "set_state").put("data", 3))));
    assertEquals(400, failureCode(bus.request(Addresses.DISPATCHER_CONTROL, new JsonObject().put("type", "dance"))));
    assertEquals("running", http.get("/api/dispatcher/state").bodyAsJsonObject().getString("state"), "nothing changed");
  }
}
