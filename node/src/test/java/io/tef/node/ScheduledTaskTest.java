package io.tef.node;

import io.tef.worker.TefWorker;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** run_at delays a task; a worker schedules sub-tasks. */
class ScheduledTaskTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("node.demo_workers", 1));
  }


  @Test
  void aTaskRunsNoEarlierThanItsRunAt() throws Exception {
    Instant due = Instant.now().plusMillis(1500);
    HttpResponse<Buffer> r = http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "later").put("run_at", due.toString()));
    assertEquals(201, r.statusCode());
    assertEquals("queued", http.get("/api/tasks/later").bodyAsJsonObject().getString("state"), "not due yet, though a worker is idle");
    events.await("later");
    Instant started = Instant.parse(http.get("/api/tasks/later").bodyAsJsonObject().getString("started_at"));
    assertFalse(started.isBefore(due.minusMillis(1)), "started " + started + ", due " + due);
  }

  @Test
  void relativeRunAtIsResolvedOnAcceptance() throws Exception {
    Instant before = Instant.now();
    JsonObject task = http.post("/api/tasks", new JsonObject().put("task_type", "nobody").put("guid", "in-2h").put("run_at", "in 2 hours")).bodyAsJsonObject();
    Duration ahead = Duration.between(before, Instant.parse(task.getString("run_at")));
    assertTrue(ahead.compareTo(Duration.ofMinutes(119)) > 0 && ahead.compareTo(Duration.ofMinutes(121)) < 0, ahead.toString());
  }

  @Test
  void badRunAtIsRefused() throws Exception {
    for (Object bad : new Object[] {"tomorrowish", 12, "in five minutes"}) {
      HttpResponse<Buffer> r = http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("run_at", bad));
      assertEquals(400, r.statusCode(), "run_at " + bad);
      assertEquals("run_at", r.bodyAsJsonObject().getString("field"));
    }
  }

  @Test
  void aWorkerSchedulesASubTask() throws Exception {
    TefWorker parent = TefWorker.builder("parent-worker")
        .handle("parent", job -> job.scheduleTask("now", "echo", new JsonObject().put("from", job.guid()))
            .map(sub -> (Object) sub.getString("guid")))
        .build();
    await(node.vertx().deployVerticle(parent));
    await(parent.registration());
    http.post("/api/tasks", new JsonObject().put("task_type", "parent").put("guid", "parent-1"));
    String childGuid = events.await("parent-1").getString("result");
    JsonObject child = events.await(childGuid);
    assertEquals("completed", child.getString("state"));
    assertEquals("parent-1", child.getJsonObject("result").getString("from"));
    await(node.vertx().undeploy(parent.deploymentID()));
  }
}
