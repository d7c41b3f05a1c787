package io.tef.node;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node in its own JVM is stopped with SIGTERM while one task runs and three wait, then started
 * again on the same data folder: the finished task is still there, the waiting ones run, the
 * running one runs again under a new attempt.
 */
class RestartDurabilityTest {

  @TempDir
  Path dataDir;
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    TestNodes.await(vertx.close());
  }

  @Test
  void queuedAndCompletedTasksSurviveASigtermRestart() throws Exception {
    List<String> waiting = List.of("wait-1", "wait-2", "wait-3");
    try (NodeProcess first = NodeProcess.start(dataDir, "--demo-workers", "1");
         Http http = new Http(vertx, first.awaitReady())) {
      http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "done-before").put("task_data", "kept"));
      http.awaitTask("done-before", t -> "completed".equals(t.getString("state")));
      http.post("/api/tasks", new JsonObject().put("task_type", "sleep").put("guid", "long-one").put("task_data", new JsonObject().put("ms", 600_000)));
      http.awaitTask("long-one", t -> "working".equals(t.getString("state")));
      for (String guid : waiting) {
        assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", guid)).statusCode());
      }
      for (String guid : waiting) {
        assertEquals("queued", http.get("/api/tasks/" + guid).bodyAsJsonObject().getString("state"), "the only worker is busy");
      }
      int exit = first.terminate();
      assertTrue(first.output().contains("stopped"), "exit " + exit + ", output:\n" + first.output());
    }

    try (NodeProcess second = NodeProcess.start(dataDir, "--demo-workers", "2");
         Http http = new Http(vertx, second.awaitReady())) {
      JsonObject before = http.get("/api/tasks/done-before").bodyAsJsonObject();
      assertEquals("completed", before.getString("state"));
      assertEquals("kept", before.getString("result"));
      for (String guid : waiting) {
        http.awaitTask(guid, t -> "completed".equals(t.getString("state")));
      }
      JsonObject longOne = http.awaitTask("long-one", t -> t.getInteger("attempt") == 2);
      assertTrue(List.of("dispatched", "working").contains(longOne.getString("state")), longOne.encode());
      second.terminate();
    }
  }

  /**
   * kill -9 right after the last answer: every task that got its 201 is there after the restart.
   * The embedded store commits each write before answering; H2's own timer would lose up to a second.
   */
  @Test
  void acceptedTasksSurviveKillMinusNine() throws Exception {
    int count = 200;
    try (NodeProcess first = NodeProcess.start(dataDir);
         Http http = new Http(vertx, first.awaitReady())) {
      for (int i = 0; i < count; i++) {
        assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "nobody-runs-this").put("guid", "k-" + i)).statusCode());
      }
      first.kill();
    }
    try (NodeProcess second = NodeProcess.start(dataDir);
         Http http = new Http(vertx, second.awaitReady())) {
      for (int i = 0; i < count; i++) {
        var r = http.get("/api/tasks/k-" + i);
        assertEquals(200, r.statusCode(), "task k-" + i + " was accepted before the kill");
        assertEquals("queued", r.bodyAsJsonObject().getString("state"));
      }
      second.terminate();
    }
  }

  /**
   * kill -9 while a task holds a mutex: the dead node's hold would block the resource forever;
   * the restarted node reclaims it (its attempt no longer runs) and both tasks run.
   */
  @Test
  void aHoldLeftByACrashedNodeIsReclaimed() throws Exception {
    try (NodeProcess first = NodeProcess.start(dataDir, "--demo-workers", "1");
         Http http = new Http(vertx, first.awaitReady())) {
      assertEquals(201, http.put("/api/resources/lock", new JsonObject().put("limit", 1)).statusCode());
      http.post("/api/tasks", new JsonObject().put("task_type", "sleep").put("guid", "holder").put("resources", "lock")
          .put("task_data", new JsonObject().put("ms", 1000)));
      http.awaitTask("holder", t -> "working".equals(t.getString("state")));
      assertEquals(1, http.get("/api/resources/lock").bodyAsJsonObject().getInteger("held"));
      first.kill();
    }
    try (NodeProcess second = NodeProcess.start(dataDir, "--demo-workers", "2");
         Http http = new Http(vertx, second.awaitReady())) {
      http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "after-crash").put("resources", "lock"));
      JsonObject holder = http.awaitTask("holder", t -> "completed".equals(t.getString("state")));
      assertEquals(2, holder.getInteger("attempt"), "the attempt the crash cut short is fenced off");
      http.awaitTask("after-crash", t -> "completed".equals(t.getString("state")));
      assertEquals(0, http.get("/api/resources/lock").bodyAsJsonObject().getInteger("held"));
      second.terminate();
    }
  }
}
