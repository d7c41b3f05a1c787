package io.tef.node;

import io.tef.core.store.mongo.MongoTaskStore;
import io.tef.core.task.TaskQuery;
import io.tef.protocol.Addresses;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --roles deploys only the verticles named. */
class RolesTest {

  @TempDir
  Path dataDir;

  @Test
  void aNodeWithoutAGatewayServesNoHttpButTakesTasksOnTheEventBus() throws Exception {
    try (TefNode node = TestNodes.start(dataDir, Map.of("node.roles", List.of("dispatcher", "collective", "registry"), "node.demo_workers", 1))) {
      assertEquals(-1, node.httpPort());
      TerminalEvents events = TerminalEvents.listen(node);
      await(node.vertx().eventBus().request(Addresses.TASKS_SUBMIT, new JsonObject().put("task_type", "echo").put("guid", "no-gateway")));
      assertEquals("completed", events.await("no-gateway").getString("state"));
    }
  }

  @Test
  void aGatewayAloneSaysTheDispatcherIsUnavailable() throws Exception {
    try (TefNode node = TestNodes.start(dataDir, Map.of("node.roles", List.of("gateway")));
         Http http = new Http(node.vertx(), node.httpPort())) {
      HttpResponse<Buffer> r = http.post("/api/tasks", new JsonObject().put("task_type", "echo"));
      assertEquals(503, r.statusCode(), r.bodyAsString());
      assertTrue(r.bodyAsJsonObject().getString("error").length() > 0);
      // The tasks are the dispatcher's: with none, reading them is unavailable too (the gateway opens no store).
      HttpResponse<Buffer> list = http.get("/api/tasks");
      assertEquals(503, list.statusCode(), list.bodyAsString());
      MongoTaskStore direct = MongoTaskStore.shared(node.vertx(), node.config().mongo().connectionString(), node.config().mongo().database());
      try {
        assertEquals(0, await(direct.list(new TaskQuery(null, null, null, 100))).size(), "nothing was stored");
      } finally {
        await(direct.close());
      }
    }
  }
}
