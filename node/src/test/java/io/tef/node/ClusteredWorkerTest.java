package io.tef.node;

import io.tef.core.config.TefConfig;
import io.tef.worker.TefWorker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A node started with --cluster in its own JVM, and a worker in another JVM (this one) that
 * reaches it only over the clustered event bus: the worker registers and runs a task submitted
 * by REST.
 */
class ClusteredWorkerTest {

  @TempDir
  Path dataDir;

  @Test
  void aWorkerInAnotherJvmRunsTasksOverTheClusteredEventBus() throws Exception {
    try (NodeProcess node = NodeProcess.start(dataDir, "--cluster", "--cluster-host", "127.0.0.1")) {
      int port = node.awaitReady();
      TefConfig.Cluster cluster = new TefConfig.Cluster(true, "127.0.0.1", 0, "", TestNodes.CLUSTER_NAME, java.util.List.of(), false, "tef", 1);
      Vertx workerVertx = await(Vertx.builder()
          .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0)))
          .withClusterManager(ClusterSetup.clusterManager(cluster, null))
          .buildClustered());
      try (Http http = new Http(workerVertx, port)) {
        TefWorker worker = TefWorker.builder("remote-worker")
            .handle("remote-echo", job -> Future.succeededFuture(new JsonObject().put("echoed", job.data()).put("pid", ProcessHandle.current().pid())))
            .build();
        await(workerVertx.deployVerticle(worker));
        await(worker.registration());

        assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "remote-echo").put("guid", "over-the-cluster").put("task_data", 7)).statusCode());
        JsonObject done = http.awaitState("over-the-cluster", "completed");
        assertEquals("remote-worker", done.getString("worker"));
        assertEquals(7, done.getJsonObject("result").getInteger("echoed"));
        assertEquals(ProcessHandle.current().pid(), done.getJsonObject("result").getLong("pid"));
      } finally {
        await(workerVertx.close());
      }
      node.terminate();
    }
  }

}
