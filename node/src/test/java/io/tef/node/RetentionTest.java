package io.tef.node;

import io.tef.protocol.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention: finished tasks older than their state's age are removed, the oldest beyond
 * {@code max_finished} too; queued tasks, states kept forever and tasks a keeper has not passed
 * stay; what went is counted in the metrics.
 */
class RetentionTest {

  @TempDir
  Path dir;

  private static String submit(Http http, JsonObject envelope) throws Exception {
    var r = http.post("/api/tasks", envelope);
    assertEquals(201, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getString("guid");
  }

  private static void awaitGone(Http http, String guid) {
    Polling.until("task " + guid + " removed by retention", Duration.ofSeconds(20), () -> http.get("/api/tasks/" + guid).statusCode(), c -> c == 404);
  }

  private static void saveCheckpoint(TefNode node, String keeper, String type, Instant at) throws Exception {
    await(node.vertx().eventBus().request(Addresses.KEEPERS_CHECKPOINT, new JsonObject().put("action", "save").put("keeper", keeper)
        .put("task_types", new JsonArray().add(type)).put("finished_at", at.toString()).put("guid", "")));
  }

  @Test
  void expiredFinishedTasksGoAndEverythingElseStays() throws Exception {
    Map<String, Object> settings = Map.of("node.demo_workers", 1, "retention.completed", "1s", "retention.failed", "forever",
        "retention.cancelled", "1s", "retention.sweep_ms", 200, "retention.batch", 2);
    try (TefNode node = TestNodes.start(dir, settings); Http http = new Http(node.vertx(), node.httpPort())) {
      TerminalEvents events = TerminalEvents.listen(node);
      // A keeper follows sleep and has passed nothing yet: its tasks stay, however old.
      saveCheckpoint(node, "sleep-keeper", "sleep", Instant.now().minusSeconds(3600));
      List<String> echoes = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        echoes.add(submit(http, new JsonObject().put("task_type", "echo")));
      }
      String failed = submit(http, new JsonObject().put("task_type", "fail").put("max_attempts", 1));
      String kept = submit(http, new JsonObject().put("task_type", "sleep").put("task_data", new JsonObject().put("ms", 0)));
      String queued = submit(http, new JsonObject().put("task_type", "retention-nobody"));
      for (String g : echoes) {
        events.await(g);
      }
      events.await(failed);
      events.await(kept);
      // Five in batches of two: three batches, each read then removed.
      for (String g : echoes) {
        awaitGone(http, g);
      }
      // Two later tasks gone, one after the other: a whole sweep ran after these were old enough to go.
      for (int i = 0; i < 2; i++) {
        String marker = submit(http, new JsonObject().put("task_type", "echo"));
        events.await(marker);
        awaitGone(http, marker);
      }
      assertEquals(200, http.get("/api/tasks/" + failed).statusCode(), "failed: kept forever");
      assertEquals(200, http.get("/api/tasks/" + kept).statusCode(), "held by its keeper's checkpoint");
      assertEquals("queued", http.get("/api/tasks/" + queued).bodyAsJsonObject().getString("state"), "queued: never removed");
      Scrape s = Scrape.of(http);
      assertTrue(s.value("tef_tasks_removed_total{reason=\"completed\"}") >= 5, s.text());
      // The keeper moves past it: now it may go.
      saveCheckpoint(node, "sleep-keeper", "sleep", Instant.now().plusSeconds(1));
      awaitGone(http, kept);
      assertEquals(200, http.get("/api/tasks/" + failed).statusCode());
    }
  }

  @Test
  void theOldestBeyondMaxFinishedGo() throws Exception {
    Map<String, Object> settings = Map.of("node.demo_workers", 1, "retention.completed", "forever", "retention.failed", "forever",
        "retention.cancelled", "forever", "retention.max_finished", 3, "retention.sweep_ms", 200);
    try (TefNode node = TestNodes.start(dir, settings); Http http = new Http(node.vertx(), node.httpPort())) {
      TerminalEvents events = TerminalEvents.listen(node);
      List<String> guids = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        String g = submit(http, new JsonObject().put("task_type", "echo"));
        events.await(g);
        guids.add(g);
      }
      for (String g : guids.subList(0, 3)) {
        awaitGone(http, g);
      }
      for (String g : guids.subList(3, 6)) {
        assertEquals(200, http.get("/api/tasks/" + g).statusCode(), "one of the newest three");
      }
      assertEquals(3, Scrape.of(http).value("tef_tasks_removed_total{reason=\"max_finished\"}"));
    }
  }
}
