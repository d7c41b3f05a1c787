package io.tef.node;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A document another program wrote into the tasks collection (here one shaped as Agenda's
 * {@code now('echo', {x: 1})} writes it: an ObjectId {@code _id}, no TEF state) is left out of the
 * listings instead of breaking them, and TEF's own tasks are listed around it.
 */
class ForeignDocumentTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("node.demo_workers", 1));
  }

  @Test
  void aDocumentTefDidNotWriteNeverBreaksAListing() throws Exception {
    http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "fd-before"));
    events.await("fd-before");
    MongoClient other = MongoClient.create(node.vertx(), new JsonObject()
        .put("connection_string", node.config().mongo().connectionString()).put("db_name", node.config().mongo().database()));
    try {
      await(other.insert("tasks", new JsonObject().put("_id", new JsonObject().put("$oid", "6750a1b2c3d4e5f601234567"))
          .put("name", "echo").put("data", new JsonObject().put("x", 1)).put("type", "normal").put("priority", 0)
          .put("nextRunAt", new JsonObject().put("$date", "2026-12-03T07:00:00Z"))));
    } finally {
      other.close();
    }
    http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "fd-after"));
    events.await("fd-after");
    for (String query : new String[] {"/api/tasks", "/api/tasks?task_type=echo", "/api/tasks?limit=1000"}) {
      var r = http.get(query);
      assertEquals(200, r.statusCode(), query + ": " + r.bodyAsString());
      var guids = r.bodyAsJsonObject().getJsonArray("tasks").stream().map(t -> ((JsonObject) t).getString("guid")).toList();
      assertTrue(guids.contains("fd-before") && guids.contains("fd-after"), query + ": " + guids);
    }
  }
}
