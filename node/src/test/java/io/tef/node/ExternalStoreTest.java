package io.tef.node;

import io.tef.store.embedded.EmbeddedStore;
import io.tef.core.store.mongo.MongoTaskStore;
import io.tef.core.task.Task;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** mongo.connection_string: the node uses the MongoDB it names and starts no store of its own. */
class ExternalStoreTest {

  @TempDir
  Path storeDir;
  @TempDir
  Path nodeDir;

  @Test
  void tasksGoToTheNamedStore() throws Exception {
    try (EmbeddedStore external = EmbeddedStore.onDisk(storeDir, "127.0.0.1", 0);
         TefNode node = TestNodes.start(nodeDir, Map.of("mongo.connection_string", external.connectionString(),
             "mongo.database", "elsewhere"));
         Http http = new Http(node.vertx(), node.httpPort())) {
      assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "stored-elsewhere").put("guid", "ext-1")).statusCode());
      MongoTaskStore direct = MongoTaskStore.shared(node.vertx(), external.connectionString(), "elsewhere");
      Task t = await(direct.find("ext-1"));
      assertEquals("stored-elsewhere", t.taskType());
      await(direct.close());
      assertFalse(Files.exists(nodeDir.resolve(EmbeddedStore.FILE_NAME)), "no embedded store was started");
    }
  }
}
