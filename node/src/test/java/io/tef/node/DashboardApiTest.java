package io.tef.node;

import io.tef.protocol.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the dashboard asks of the API: a queued task's priority changed, the task list filtered by
 * worker and guid text and paged by cursor, queue depth by type, the live event stream, and the
 * pages themselves (served from the jar under a policy that loads nothing from elsewhere).
 */
class DashboardApiTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("node.demo_workers", 1, "resources", Map.of("da-one", Map.of("limit", 1))));
  }

  @Test
  void aQueuedTaskMovesUpItsQueueWhenItsPriorityChanges() throws Exception {
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    TestNodes.await(node.vertx().eventBus().<JsonObject>consumer(Addresses.EVENTS_TASKS, m -> {
      if (m.body().getString("guid").startsWith("da-p")) {
        ran.add(m.body().getString("guid"));
      }
    }).completion());
    assertEquals(200, http.put("/api/dispatcher/state", new JsonObject().put("state", "paused")).statusCode());
    try {
      for (String guid : List.of("da-pa", "da-pb", "da-pc")) {
        assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", guid).put("resources", new JsonArray().add("da-one"))).statusCode());
      }
      var changed = http.patch("/api/tasks/da-pc", new JsonObject().put("priority", 10));
      assertEquals(200, changed.statusCode(), changed.bodyAsString());
      assertEquals(10, changed.bodyAsJsonObject().getInteger("priority"));
      assertEquals("queued", changed.bodyAsJsonObject().getString("state"));
      assertEquals(10, http.get("/api/tasks/da-pc").bodyAsJsonObject().getInteger("priority"), "stored");
    } finally {
      assertEquals(200, http.put("/api/dispatcher/state", new JsonObject().put("state", "running")).statusCode());
    }
    for (String guid : List.of("da-pa", "da-pb", "da-pc")) {
      assertEquals("completed", events.await(guid).getString("state"));
    }
    Polling.until("three endings heard", java.time.Duration.ofSeconds(10), () -> ran.size() == 3);
    // One at a time (the resource holds one): the raised task ran first, the others in their order.
    assertEquals(List.of("da-pc", "da-pa", "da-pb"), ran);

    var ended = http.patch("/api/tasks/da-pa", new JsonObject().put("priority", 3));
    assertEquals(409, ended.statusCode(), ended.bodyAsString());
    assertEquals("guid", ended.bodyAsJsonObject().getString("field"));
    assertTrue(ended.bodyAsJsonObject().getString("error").contains("completed"), ended.bodyAsString());
    assertEquals(404, http.patch("/api/tasks/da-none", new JsonObject().put("priority", 3)).statusCode());
  }

  @Test
  void aPriorityChangeNamesWhatIsWrongWithItsBody() throws Exception {
    http.post("/api/tasks", new JsonObject().put("task_type", "da-nobody").put("guid", "da-bad"));
    record Bad(String body, String field) { }
    for (Bad bad : List.of(new Bad("{\"priority\": \"high\"}", "priority"), new Bad("{\"priority\": 1.5}", "priority"),
        new Bad("{}", "priority"), new Bad("{\"priority\": 1, \"state\": \"queued\"}", "state"), new Bad("[1]", null))) {
      var r = http.send(io.vertx.core.http.HttpMethod.PATCH, "/api/tasks/da-bad", bad.body());
      assertEquals(400, r.statusCode(), bad.body() + " -> " + r.bodyAsString());
      assertEquals(bad.field(), r.bodyAsJsonObject().getString("field"), bad.body() + " -> " + r.bodyAsString());
    }
    assertEquals(1, http.get("/api/tasks/da-bad").bodyAsJsonObject().getInteger("priority"), "nothing changed: the default priority");
  }

  @Test
  void theListFiltersByWorkerAndGuidTextAndPagesNewestFirst() throws Exception {
    String worker = null;
    for (int i = 0; i < 5; i++) {
      http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "da-list-" + i));
      worker = events.await("da-list-" + i).getString("worker");
    }
    assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "da-nobody").put("guid", "da-list.+x")).statusCode());
    Set<String> seen = new HashSet<>();
    List<Instant> created = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      JsonObject page = http.get("/api/tasks?guid_contains=da-list-&limit=2" + (next == null ? "" : "&before=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8))).bodyAsJsonObject();
      pages++;
      for (Object o : page.getJsonArray("tasks")) {
        JsonObject t = (JsonObject) o;
        assertTrue(seen.add(t.getString("guid")), "each task on one page only: " + t.getString("guid"));
        created.add(Instant.parse(t.getString("created_at")));
      }
      next = page.getString("next");
      assertEquals(next != null, page.getInteger("count") == 2, "a full page says where the next begins: " + page.encode());
    } while (next != null && pages < 10);
    assertEquals(Set.of("da-list-0", "da-list-1", "da-list-2", "da-list-3", "da-list-4"), seen);
    assertEquals(3, pages);
    for (int i = 1; i < created.size(); i++) {
      assertFalse(created.get(i).isAfter(created.get(i - 1)), "newest first: " + created);
    }
    // The text is literal, not a pattern.
    JsonObject literal = http.get("/api/tasks?guid_contains=list.%2B").bodyAsJsonObject();
    assertEquals(1, literal.getInteger("count"), literal.encode());
    assertEquals("da-list.+x", literal.getJsonArray("tasks").getJsonObject(0).getString("guid"));
    assertEquals(5, http.get("/api/tasks?guid_contains=da-list-&worker=" + worker).bodyAsJsonObject().getInteger("count"));
    assertEquals(0, http.get("/api/tasks?guid_contains=da-list-&worker=nobody-at-all").bodyAsJsonObject().getInteger("count"));
    assertNull(http.get("/api/tasks?guid_contains=da-list-").bodyAsJsonObject().getString("next"), "not full: no next page");

    var tooLong = http.get("/api/tasks?guid_contains=" + "x".repeat(201));
    assertEquals(400, tooLong.statusCode());
    assertEquals("guid_contains", tooLong.bodyAsJsonObject().getString("field"));
    var badCursor = http.get("/api/tasks?before=yesterday");
    assertEquals(400, badCursor.statusCode());
    assertEquals("before", badCursor.bodyAsJsonObject().getString("field"));
  }

  /** A task's document keeps only its last attempt's fields: TEF logs how each attempt ended, for its timeline. */
  @Test
  void eachEndedAttemptIsALogLineOfTefsOwn() throws Exception {
    http.post("/api/tasks", new JsonObject().put("task_type", "fail").put("guid", "da-failed").put("task_data", "no disk").put("max_attempts", 1));
    JsonObject failed = events.await("da-failed");
    JsonArray logs = http.get("/api/tasks/da-failed").bodyAsJsonObject().getJsonArray("logs");
    assertEquals(1, logs.size(), logs.encode());
    JsonObject line = logs.getJsonObject(0);
    assertEquals("tef", line.getString("source"));
    assertEquals("failed", line.getString("outcome"));
    assertEquals(1, line.getInteger("attempt"));
    assertEquals(failed.getString("worker"), line.getString("worker"));
    assertEquals("attempt 1 on " + failed.getString("worker") + " failed: no disk", line.getString("message"));
  }

  @Test
  void theDispatcherSaysHowDeepEachQueueIsAndHowOldItsOldestTask() throws Exception {
    http.post("/api/tasks", new JsonObject().put("task_type", "da-deep").put("guid", "da-deep-1"));
    http.post("/api/tasks", new JsonObject().put("task_type", "da-deep").put("guid", "da-deep-2"));
    JsonObject state = http.get("/api/dispatcher/state").bodyAsJsonObject();
    JsonObject queue = state.getJsonObject("queues").getJsonObject("da-deep");
    assertEquals(2, queue.getInteger("depth"), state.encode());
    assertTrue(queue.getDouble("oldest_age_seconds") >= 0, state.encode());
    assertEquals(2, state.getJsonObject("by_type").getJsonObject("da-deep").getInteger("queued"), state.encode());
  }

  @Test
  void theEventStreamSendsTheHourThenASecondAtATime() throws Exception {
    try (EventStreamReader stream = new EventStreamReader(node.vertx(), node.httpPort(), null)) {
      assertEquals(200, stream.response.statusCode());
      assertTrue(stream.response.getHeader("content-type").startsWith("text/event-stream"));
      EventStreamReader.Event history = stream.next();
      assertEquals("history", history.name());
      assertEquals(new JsonArray().add("at").add("completed").add("failed").add("cancelled").add("latency_p50_ms").add("latency_p99_ms"),
          history.data().getJsonArray("columns"));
      http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "da-live"));
      EventStreamReader.Event tick = stream.until("da-live is among the changed tasks",
          e -> e.name().equals("tick") && e.data().getJsonObject("changed").getJsonArray("tasks").contains("da-live"));
      assertTrue(tick.data().getJsonArray("second").getInteger(1) >= 1, "counted as completed: " + tick.data().encode());
      assertEquals("running", tick.data().getJsonObject("dispatcher").getString("state"), tick.data().encode());
      // A new page gets that second in its hour.
      try (EventStreamReader later = new EventStreamReader(node.vertx(), node.httpPort(), null)) {
        JsonArray seconds = later.next().data().getJsonArray("seconds");
        assertTrue(seconds.stream().anyMatch(s -> ((JsonArray) s).getInteger(1) >= 1), seconds.encode());
      }
    }
  }

  /** Thousands of endings are one message a second to a page, and every one of them is counted. */
  @Test
  void aBurstOfTasksIsAggregatedIntoOneTickASecond() throws Exception {
    int n = 2000;
    try (EventStreamReader stream = new EventStreamReader(node.vertx(), node.httpPort(), null)) {
      assertEquals("history", stream.next().name());
      JsonArray burst = new JsonArray();
      for (int i = 0; i < n; i++) {
        burst.add(new JsonObject().put("task_type", "echo").put("guid", "da-burst-" + i));
      }
      long start = System.nanoTime();
      assertEquals(200, http.post("/api/tasks", burst.encode()).statusCode());
      for (int i = 0; i < n; i++) {
        events.await("da-burst-" + i);
      }
      int completed = 0;
      int ticks = 0;
      // Ticks are cut on the second: the endings of the burst are in those up to the one after the last ending.
      while (completed < n) {
        EventStreamReader.Event tick = stream.next();
        ticks++;
        completed += tick.data().getJsonArray("second").getInteger(1);
        assertTrue(tick.data().getJsonObject("changed").getJsonArray("tasks").size() <= 100, "changed guids are bounded");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertEquals(n, completed, "every ending counted once");
      assertTrue(ticks <= Math.ceil(seconds) + 2, ticks + " ticks in " + seconds + " s");
    }
  }

  @Test
  void theDashboardIsServedFromTheJarUnderAStrictPolicy() throws Exception {
    var root = http.getUnfollowed("/");
    assertEquals(302, root.statusCode());
    assertEquals("/ui/", root.getHeader("location"));
    for (String page : List.of("/ui/", "/ui/tasks", "/ui/tasks/some-guid", "/ui/suites/s1", "/ui/workers")) {
      var r = http.get(page);
      assertEquals(200, r.statusCode(), page);
      assertTrue(r.getHeader("content-type").startsWith("text/html"), page);
      assertTrue(r.bodyAsString().contains("/ui/app/main.js"), page);
      assertTrue(r.getHeader("content-security-policy").contains("default-src 'self'"), page);
      assertEquals("DENY", r.getHeader("x-frame-options"));
    }
    var chart = http.get("/ui/vendor/chart.umd.min.js");
    assertEquals(200, chart.statusCode());
    assertTrue(chart.bodyAsString().contains("Chart"), "Chart.js from its WebJar");
    assertEquals(200, http.get("/ui/app/main.js").statusCode());
    assertEquals(404, http.get("/ui/app/none.js").statusCode());
  }
}
