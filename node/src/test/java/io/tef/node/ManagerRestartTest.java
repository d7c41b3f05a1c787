package io.tef.node;

import io.tef.core.config.TefConfig;
import io.tef.worker.TefWorker;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The node (dispatcher, collective, registry) dies with kill -9 while a worker in another JVM
 * runs a task. The node starts again; the worker registers again by itself, saying what it
 * runs; the task keeps its attempt and its result is recorded once. It never runs twice.
 */
class ManagerRestartTest {

  @TempDir
  Path dataDir;

  @Test
  void aRunningTaskSurvivesTheRestartOfItsNodeAndCompletesOnce() throws Exception {
    TefConfig.Cluster cluster = new TefConfig.Cluster(true, "127.0.0.1", 0, "", TestNodes.CLUSTER_NAME, java.util.List.of(), false, "tef", 1);
    Vertx workerVertx = await(Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0)))
        .withClusterManager(ClusterSetup.clusterManager(cluster, null))
        .buildClustered());
    AtomicInteger runs = new AtomicInteger();
    CompletableFuture<Promise<Object>> running = new CompletableFuture<>();
    TefWorker survivor = TefWorker.builder("survivor").pingInterval(Duration.ofMillis(300)).handle("long", job -> {
      runs.incrementAndGet();
      Promise<Object> p = Promise.promise();
      running.complete(p);
      return p.future();
    }).build();
    try {
      try (NodeProcess first = NodeProcess.start(dataDir, "--cluster", "--cluster-host", "127.0.0.1");
           Http http = new Http(workerVertx, first.awaitReady())) {
        await(workerVertx.deployVerticle(survivor));
        await(survivor.registration());
        assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "long").put("guid", "outlives-its-node")).statusCode());
        running.get(30, TimeUnit.SECONDS);
        http.awaitState("outlives-its-node", "working");
        // A read can show a write whose commit is still running; an insert answered 201 after it
        // was committed by a commit that covers every write applied before it, the start too.
        assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "nobody").put("guid", "after-the-start")).statusCode());
        first.kill();
      }
      try (NodeProcess second = NodeProcess.start(dataDir, "--cluster", "--cluster-host", "127.0.0.1");
           Http http = new Http(workerVertx, second.awaitReady())) {
        try {
          awaitWorkerBack(http);
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + "\nnode output:\n" + second.output(), e);
        }
        running.get().complete("finished after all");
        JsonObject done;
        try {
          done = http.awaitState("outlives-its-node", "completed");
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + "\nnode output:\n" + second.output(), e);
        }
        assertEquals("finished after all", done.getString("result"));
        assertEquals(1, done.getInteger("attempt"), "the attempt that was running when the node died");
        assertEquals(1, runs.get(), "the task ran once");
        second.terminate();
      }
    } finally {
      await(workerVertx.close());
    }
  }

  /** The new dispatcher knows the worker again (it registered by itself). */
  private static void awaitWorkerBack(Http http) throws Exception {
    Polling.until("the worker registers again", java.time.Duration.ofSeconds(60), java.time.Duration.ofMillis(100), () -> {
      var r = http.get("/api/dispatcher/state");
      return r.statusCode() == 200 ? r.bodyAsJsonObject() : null;
    }, state -> state.getInteger("workers", 0) == 1);
  }

}
