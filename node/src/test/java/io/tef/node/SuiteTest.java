package io.tef.node;

import io.tef.protocol.Addresses;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A suite's counts, and TEF's pause_suite / ready_suite / stop_suite by REST and event bus. */
class SuiteTest {

  @TempDir
  Path dataDir;

  @Test
  void pauseReadyAndStopASuite() throws Exception {
    try (TefNode node = TestNodes.start(dataDir, Map.of("node.demo_workers", 1));
         Http http = new Http(node.vertx(), node.httpPort());
         BareWorker worker = new BareWorker(node, "bare-suite", "suite-run")) {
      TerminalEvents events = TerminalEvents.listen(node);
      for (int i = 0; i < 3; i++) {
        http.post("/api/tasks", new JsonObject().put("task_type", "nobody").put("guid", "q-" + i).put("suite_guid", "S1"));
      }
      http.post("/api/tasks", new JsonObject().put("task_type", "suite-run").put("guid", "running").put("suite_guid", "S1"));
      worker.next();
      http.awaitState("running", "working"); // its start is written once it has run start_write_delay_ms
      http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "other-suite").put("suite_guid", "S2"));
      events.await("other-suite");

      JsonObject suite = http.get("/api/suites/S1").bodyAsJsonObject();
      assertEquals(4, suite.getInteger("total"));
      assertEquals(3, suite.getJsonObject("counts").getInteger("queued"));
      assertEquals(4, suite.getJsonArray("tasks").size());
      // A page of the newest, or the counts alone; a bad limit is named.
      JsonObject page = http.get("/api/suites/S1?limit=2").bodyAsJsonObject();
      assertEquals(4, page.getInteger("total"));
      // Newest first, ties (tasks created in one millisecond) in the order of their ids: the first two of the whole list.
      List<String> all = suite.getJsonArray("tasks").stream().map(t -> ((JsonObject) t).getString("guid")).toList();
      assertEquals(all.subList(0, 2), page.getJsonArray("tasks").stream().map(t -> ((JsonObject) t).getString("guid")).toList());
      List<String> created = suite.getJsonArray("tasks").stream().map(t -> ((JsonObject) t).getString("created_at")).toList();
      assertEquals(created.stream().sorted(java.util.Comparator.reverseOrder()).toList(), created, "newest first");
      assertEquals(0, http.get("/api/suites/S1?limit=0").bodyAsJsonObject().getJsonArray("tasks").size());
      for (String bad : List.of("1001", "-1", "many")) {
        var refused = http.get("/api/suites/S1?limit=" + bad);
        assertEquals(400, refused.statusCode(), bad);
        assertEquals("limit", refused.bodyAsJsonObject().getString("field"), bad);
      }

      assertEquals(3, http.post("/api/suites/S1/pause", "").bodyAsJsonObject().getInteger("paused"));
      http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "late-joiner").put("suite_guid", "S1"));
      assertEquals("paused", http.get("/api/tasks/late-joiner").bodyAsJsonObject().getString("state"), "held though a worker is idle");
      assertEquals(4, http.get("/api/suites/S1").bodyAsJsonObject().getJsonObject("counts").getInteger("paused"));

      JsonObject ready = await(node.vertx().eventBus().<JsonObject>request(Addresses.DISPATCHER_CONTROL,
          new JsonObject().put("type", "ready_suite").put("data", "S1"))).body().getJsonObject("response");
      assertEquals(4, ready.getInteger("queued"));
      assertEquals("completed", events.await("late-joiner").getString("state"));

      assertEquals(4, http.post("/api/suites/S1/stop", "").bodyAsJsonObject().getInteger("cancelled"));
      assertEquals("abandon", worker.next().getString("type"), "the running task's worker is told");
      JsonObject after = http.get("/api/suites/S1").bodyAsJsonObject().getJsonObject("counts");
      assertEquals(4, after.getInteger("cancelled"));
      assertEquals(1, after.getInteger("completed"));
      assertEquals("completed", http.get("/api/tasks/other-suite").bodyAsJsonObject().getString("state"), "other suites untouched");

      assertEquals(404, http.get("/api/suites/no-such-suite").statusCode());
      ExecutionException bad = assertThrows(ExecutionException.class, () -> await(node.vertx().eventBus()
          .request(Addresses.DISPATCHER_CONTROL, new JsonObject().put("type", "pause_suite"))));
      assertEquals(400, assertInstanceOf(ReplyException.class, bad.getCause()).failureCode());
    }
  }
}
