package io.tef.node;

import io.tef.core.task.TaskIds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Agenda 6 (with {@code @agendajs/mongo-backend}) and Agendash 8, from npm, on a node's store with
 * TEF's tasks collection as their job collection ({@code src/test/js/agendash-probe.mjs}): the jobs
 * Agenda writes ({@code now}, {@code schedule}, {@code every}) are taken in and run as tasks, and
 * Agendash's API lists every task, TEF's and Agenda's, each in the Agenda state that means what its
 * TEF state means. Node.js and npm must be installed.
 */
class AgendashTest extends SharedNodeTest {

  private static final Path FOLDER = Path.of("target", "js-agenda6").toAbsolutePath();

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    // The mongodb driver 6 (which the backend allows) speaks to servers of MongoDB 3.6 and later, as the embedded store is.
    JsClients.install(FOLDER, "agenda@6.2.6", "@agendajs/mongo-backend@4.0.3", "agendash@8.2.4", "express@5.2.1", "mongodb@6.22.0");
    Files.copy(Path.of("src", "test", "js", "agendash-probe.mjs"), FOLDER.resolve("agendash-probe.mjs"), StandardCopyOption.REPLACE_EXISTING);
    startNode(dataDir, Map.of("node.demo_workers", 2));
  }

  private static JsonObject probe(String mode) throws Exception {
    String url = node.config().mongo().connectionString() + "/" + node.config().mongo().database();
    Process p = new ProcessBuilder("node", "agendash-probe.mjs", mode, url).directory(FOLDER.toFile()).redirectErrorStream(true).start();
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(ended && p.exitValue() == 0, "agendash-probe " + mode + " failed:\n" + out);
    String last = out.strip().lines().reduce((a, b) -> b).orElse("");
    return new JsonObject(last);
  }

  private static void submit(JsonObject envelope) throws Exception {
    var r = http.post("/api/tasks", envelope);
    assertTrue(r.statusCode() / 100 == 2, r.bodyAsString());
  }

  @Test
  void agendashListsEveryTaskInTheStateTefMeans() throws Exception {
    submit(new JsonObject().put("task_type", "echo").put("guid", "ag-done"));
    submit(new JsonObject().put("task_type", "fail").put("guid", "ag-failed").put("max_attempts", 1));
    events.await("ag-done");
    events.await("ag-failed");
    submit(new JsonObject().put("task_type", "sleep").put("guid", "ag-running").put("task_data", new JsonObject().put("ms", 120_000)));
    submit(new JsonObject().put("task_type", "echo").put("guid", "ag-later").put("run_at", "2030-01-01T00:00:00Z"));
    submit(new JsonObject().put("task_type", "echo").put("guid", "ag-cancelled").put("run_at", "2030-01-01T00:00:00Z"));
    assertEquals(200, http.delete("/api/tasks/ag-cancelled").statusCode());
    assertEquals(0, http.post("/api/suites/ag-suite/pause", "").bodyAsJsonObject().getInteger("paused"));
    submit(new JsonObject().put("task_type", "echo").put("guid", "ag-paused").put("suite_guid", "ag-suite"));
    http.awaitState("ag-running", "working");
    assertEquals("paused", http.get("/api/tasks/ag-paused").bodyAsJsonObject().getString("state"));

    JsonObject written = probe("write");
    String now = written.getString("now");
    String later = written.getString("later");
    String every = written.getString("every");
    // Taken in within dispatcher.agenda_take_in_ms (1 s) and run by TEF's echo worker, under the job's id.
    JsonObject ran = http.awaitState(now, "completed");
    assertEquals(new JsonObject().put("from", "agenda"), ran.getJsonObject("result"));
    http.awaitState(later, "queued");
    JsonObject hourly = http.awaitState(every, "queued");
    assertEquals("1 hour", hourly.getString("repeat_every"));

    JsonObject listed = probe("list");
    assertEquals(200, listed.getInteger("status"), listed.encode());
    Map<String, String> states = new HashMap<>();
    Map<String, JsonObject> jobs = new HashMap<>();
    Map<String, Boolean> paused = new HashMap<>();
    for (Object o : listed.getJsonObject("body").getJsonArray("jobs")) {
      JsonObject row = (JsonObject) o;
      String id = row.getJsonObject("job").getString("_id");
      List<String> flags = List.of("running", "scheduled", "queued", "completed", "failed", "repeating").stream()
          .filter(f -> Boolean.TRUE.equals(row.getBoolean(f))).toList();
      assertEquals(1, flags.size(), "one state for " + row.encode());
      states.put(id, flags.get(0));
      jobs.put(id, row.getJsonObject("job"));
      paused.put(id, row.getBoolean("paused"));
    }
    assertEquals("completed", states.get(TaskIds.hex("ag-done")), states.toString());
    assertEquals("failed", states.get(TaskIds.hex("ag-failed")), states.toString());
    assertEquals("running", states.get(TaskIds.hex("ag-running")), states.toString());
    assertEquals("scheduled", states.get(TaskIds.hex("ag-later")), states.toString());
    assertEquals("failed", states.get(TaskIds.hex("ag-cancelled")), "a cancelled task has ended without success: " + states);
    assertTrue(jobs.get(TaskIds.hex("ag-cancelled")).getString("failReason").startsWith("cancelled"));
    assertEquals("completed", states.get(now), states.toString());
    assertEquals("scheduled", states.get(later), states.toString());
    assertEquals("repeating", states.get(every), states.toString());
    // A paused task is a disabled job, as Agenda pauses its own: listed as paused, waiting for its run.
    assertEquals(true, paused.get(TaskIds.hex("ag-paused")), states.toString());
    assertEquals("queued", states.get(TaskIds.hex("ag-paused")), states.toString());
    assertEquals(1, paused.values().stream().filter(Boolean.TRUE::equals).count(), "only the paused one: " + paused);
    JsonArray overview = listed.getJsonObject("body").getJsonArray("overview");
    JsonObject all = overview.stream().map(JsonObject.class::cast).filter(r -> "All Jobs".equals(r.getString("displayName"))).findFirst().orElseThrow();
    assertEquals(1, all.getInteger("paused"), overview.encode());
    assertEquals(1, all.getInteger("running"), overview.encode());
    assertEquals(states.size(), all.getInteger("total"), overview.encode());
    assertEquals(200, http.delete("/api/tasks/ag-running").statusCode());
  }
}
