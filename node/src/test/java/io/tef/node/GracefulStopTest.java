package io.tef.node;

import io.tef.protocol.Addresses;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A node that stops hands its running tasks back once: they are not passed to its other stopping workers. */
class GracefulStopTest {

  @TempDir
  Path dataDir;

  @Test
  void aTaskHandedBackByAStoppingWorkerIsNotStartedByAnotherStoppingWorker() throws Exception {
    List<String> starts = new CopyOnWriteArrayList<>();
    TefNode node = TestNodes.start(dataDir, Map.of("node.demo_workers", 4));
    try (Http http = new Http(node.vertx(), node.httpPort())) {
      await(node.vertx().eventBus().<JsonObject>consumer(Addresses.EVENTS_NOTIFICATIONS, m -> {
        if ("start".equals(m.body().getString("type"))) {
          starts.add(m.body().getString("source_id") + "#" + m.body().getInteger("attempt") + "@" + m.body().getString("worker_id"));
        }
      }).completion());
      assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "sleep").put("guid", "long").put("task_data", new JsonObject().put("ms", 60_000))).statusCode());
      http.awaitState("long", "working");
      assertEquals(1, starts.size(), starts.toString());
    } finally {
      node.close();
    }
    assertEquals(1, starts.size(), "started again while the node stopped: " + starts);
    try (TefNode again = TestNodes.start(dataDir, Map.of());
         Http http = new Http(again.vertx(), again.httpPort())) {
      assertEquals("queued", http.awaitState("long", "queued").getString("state"), "kept for the next start");
    }
  }
}
