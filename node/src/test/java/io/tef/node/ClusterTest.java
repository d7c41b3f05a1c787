package io.tef.node;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes in two JVMs on one clustered event bus and one store: node A runs the dispatcher,
 * collective, registry, gateway and the store; node B only a gateway and a worker, using A's
 * store by its URL. A task submitted at either gateway runs on B's worker, and GET /api/cluster
 * on either node lists both.
 */
class ClusterTest {

  @TempDir
  Path dataA;
  @TempDir
  Path dataB;

  @Test
  void aTaskSubmittedAtOneNodeRunsOnAnotherAndEveryNodeSeesTheCluster() throws Exception {
    TefNode a = TestNodes.start(dataA, Map.of("cluster.enabled", true, "cluster.host", "127.0.0.1", "node.name", "node-a"));
    try (NodeProcess b = NodeProcess.start(dataB, "--cluster", "--cluster-host", "127.0.0.1", "--name", "node-b",
        "--roles", "gateway", "--store-url", a.config().mongo().connectionString(), "--demo-workers", "1");
         Http atA = new Http(a.vertx(), a.httpPort());
         Http atB = new Http(a.vertx(), b.awaitReady())) {
      JsonObject cluster = await(atA, c -> c.getInteger("count") == 2);
      assertEquals(List.of("node-a", "node-b"), cluster.getJsonArray("nodes").stream().map(n -> ((JsonObject) n).getString("name")).toList());
      assertEquals(new JsonArray().add("gateway"), cluster.getJsonArray("nodes").getJsonObject(1).getJsonArray("roles"));
      assertEquals(2, await(atB, c -> c.getInteger("count") == 2).getInteger("count"), "B sees the same cluster");

      atA.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "from-a").put("task_data", "a"));
      atB.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "from-b").put("task_data", "b"));
      for (String guid : List.of("from-a", "from-b")) {
        JsonObject done = atA.awaitState(guid, "completed");
        assertEquals("demo-node-b-1", done.getString("worker"), "run by the worker in B's JVM");
      }
      assertEquals("completed", atB.awaitState("from-a", "completed").getString("state"), "B's gateway reads the same store");
      b.terminate();
      JsonObject alone = await(atA, c -> c.getInteger("count") == 1);
      assertEquals("node-a", alone.getJsonArray("nodes").getJsonObject(0).getString("name"));
    } finally {
      a.close();
    }
  }

  private static JsonObject await(Http http, Predicate<JsonObject> condition) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = http.get("/api/cluster").bodyAsJsonObject();
      if (condition.test(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the cluster never looked as expected; last: " + last);
  }

}
