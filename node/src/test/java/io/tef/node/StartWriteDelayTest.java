package io.tef.node;

import io.tef.protocol.Addresses;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A task's start reaches the store only once it has run {@code dispatcher.start_write_delay_ms}
 * (1 s here, to see it): one that ends sooner costs its insert and its end write alone; one
 * that runs longer is shown working; a graceful stop writes every start still pending, so the
 * task is found working (and adopted by its worker) after the restart, not queued again.
 */
class StartWriteDelayTest {

  private static final Map<String, Object> SETTINGS = Map.of("dispatcher.start_write_delay_ms", 1000);

  @TempDir
  Path dataDir;

  @Test
  void aStartIsWrittenOnlyOnceTheTaskHasRunTheDelay() throws Exception {
    TefNode node = TestNodes.start(dataDir, SETTINGS);
    try (Http http = new Http(node.vertx(), node.httpPort());
         BareWorker worker = new BareWorker(node, "sw-worker", "sw")) {
      TerminalEvents events = TerminalEvents.listen(node);
      http.post("/api/tasks", new JsonObject().put("task_type", "sw").put("guid", "sw-short"));
      int attempt = worker.next().getInteger("attempt");
      assertEquals("queued", http.get("/api/tasks/sw-short").bodyAsJsonObject().getString("state"), "running, but not written yet");
      await(node.vertx().eventBus().request(Addresses.TASKS_REPORT, worker.report("sw-short", attempt, "completed", "quick")));
      assertEquals("quick", events.await("sw-short").getString("result"));
      assertEquals("completed", http.get("/api/tasks/sw-short").bodyAsJsonObject().getString("state"));

      http.post("/api/tasks", new JsonObject().put("task_type", "sw").put("guid", "sw-long"));
      long taken = System.nanoTime();
      attempt = worker.next().getInteger("attempt");
      JsonObject working = http.awaitState("sw-long", "working");
      assertTrue(System.nanoTime() - taken >= 900_000_000L, "written about 1 s after it started, not before");
      assertEquals("sw-worker", working.getString("worker"));
      await(node.vertx().eventBus().request(Addresses.TASKS_REPORT, worker.report("sw-long", attempt, "completed", "slow")));
      assertEquals("slow", events.await("sw-long").getString("result"));
    } finally {
      node.close();
    }
  }

  @Test
  void aGracefulStopWritesTheStartsStillPending() throws Exception {
    TefNode node = TestNodes.start(dataDir, SETTINGS);
    try (Http http = new Http(node.vertx(), node.httpPort());
         BareWorker worker = new BareWorker(node, "sw-stopper", "sw-stop")) {
      http.post("/api/tasks", new JsonObject().put("task_type", "sw-stop").put("guid", "sw-pending"));
      worker.next();
    } finally {
      node.close(); // within the second: the start is still pending
    }
    TefNode again = TestNodes.start(dataDir, SETTINGS);
    try (Http http = new Http(again.vertx(), again.httpPort())) {
      JsonObject stored = http.get("/api/tasks/sw-pending").bodyAsJsonObject();
      assertEquals("working", stored.getString("state"), "the stop wrote it: " + stored.encode());
      assertEquals(1, stored.getInteger("attempt"));
      assertEquals("sw-stopper", stored.getString("worker"));
    } finally {
      again.close();
    }
  }
}
