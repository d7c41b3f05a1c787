package io.tef.node;

import io.tef.protocol.Addresses;
import io.tef.core.config.ConfigLoader;
import io.tef.dispatcher.DispatcherVerticle;
import io.tef.worker.TefWorker;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two dispatchers on one store (and a third that starts while they work) share the workers and
 * never dispatch the same task twice; one
 * that stops hands its tasks to the other, and messages about a task reach the one that answers
 * for it whichever receives them.
 */
class TwoDispatchersTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;

  private static final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  private static final List<String> workerDeployments = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("dispatcher.instances", 2));
  }

  /** Each test deploys what it needs and takes it away again: the tests run in any order. */
  @org.junit.jupiter.api.AfterEach
  void undeploySharedWorkers() throws Exception {
    for (String id : workerDeployments) {
      await(node.vertx().undeploy(id));
    }
    workerDeployments.clear();
  }

  private static void deploySharedWorkers() throws Exception {
    for (int i = 0; i < 4; i++) {
      TefWorker w = TefWorker.builder("shared-worker-" + i)
          .handle("shared", job -> {
            runs.computeIfAbsent(job.guid(), g -> new AtomicInteger()).incrementAndGet();
            Promise<Object> done = Promise.promise();
            node.vertx().setTimer(1, id -> done.complete("ok"));
            return done.future();
          })
          .handle("handover", job -> Future.succeededFuture("handed over"))
          .build();
      workerDeployments.add(await(node.vertx().deployVerticle(w)));
      await(w.registration());
    }
  }

  @Test
  void twoDispatchersNeverDispatchATaskTwice() throws Exception {
    deploySharedWorkers();
    // Paused, so that the first half waits in the store when the third dispatcher starts.
    // Two dispatchers deployed together may learn of each other only at their first lease check.
    Polling.until("the control message reaches both dispatchers", java.time.Duration.ofSeconds(5), java.time.Duration.ofMillis(100),
        () -> await(node.vertx().eventBus().<JsonObject>request(Addresses.DISPATCHER_CONTROL,
            new JsonObject().put("type", "set_state").put("data", "paused"))).body(),
        state -> state.getLong("dispatchers") == 2);

    int n = 2000;
    Map<String, AtomicInteger> ends = new ConcurrentHashMap<>();
    CountDownLatch allEnded = new CountDownLatch(n);
    MessageConsumer<JsonObject> c = node.vertx().eventBus().consumer(Addresses.EVENTS_TASKS, m -> {
      String guid = m.body().getString("guid");
      if (guid.startsWith("two-") && ends.computeIfAbsent(guid, g -> new AtomicInteger()).incrementAndGet() == 1) {
        allEnded.countDown();
      }
    });
    await(c.completion());
    Semaphore inFlight = new Semaphore(100);
    List<String> refused = java.util.Collections.synchronizedList(new ArrayList<>());
    String third = null;
    for (int i = 0; i < n; i++) {
      if (i == n / 2) {
        // A dispatcher that starts now finds the others' queued tasks in the store and must leave them alone.
        inFlight.acquire(100);
        inFlight.release(100);
        third = await(node.vertx().deployVerticle(new DispatcherVerticle(), new DeploymentOptions().setConfig(ConfigLoader.toJson(node.config()))));
        await(node.vertx().eventBus().request(Addresses.DISPATCHER_CONTROL, new JsonObject().put("type", "set_state").put("data", "running")));
      }
      inFlight.acquire();
      node.vertx().eventBus().request(Addresses.TASKS_SUBMIT, new JsonObject().put("task_type", "shared").put("guid", "two-" + i))
          .onComplete(ar -> {
            if (ar.failed()) {
              refused.add(ar.cause().getMessage());
            }
            inFlight.release();
          });
    }
    inFlight.acquire(100);
    assertEquals(List.of(), refused.subList(0, Math.min(5, refused.size())), refused.size() + " submissions refused");
    if (!allEnded.await(60, TimeUnit.SECONDS)) {
      List<String> stuck = new ArrayList<>();
      for (int i = 0; i < n && stuck.size() < 5; i++) {
        if (!ends.containsKey("two-" + i)) {
          stuck.add(http.get("/api/tasks/two-" + i).bodyAsString());
        }
      }
      throw new AssertionError(allEnded.getCount() + " tasks did not end, e.g. " + stuck);
    }
    await(c.unregister());
    await(node.vertx().undeploy(third));
    assertEquals(n, runs.size(), "every task ran");
    runs.forEach((guid, count) -> assertEquals(1, count.get(), guid + " ran more than once"));
    ends.forEach((guid, count) -> assertEquals(1, count.get(), guid + " ended more than once"));
    long left = await(node.vertx().eventBus().<JsonObject>request(Addresses.DISPATCHER_CONTROL, new JsonObject().put("type", "get_state"))).body().getLong("live");
    assertEquals(0L, left, "nothing left running");
  }

  @Test
  void aStoppedDispatchersTasksAreTakenOverAndCancelsReachTheirOwner() throws Exception {
    // No worker runs "handover" until the extra dispatcher is gone.
    String extra = await(node.vertx().deployVerticle(new DispatcherVerticle(),
        new DeploymentOptions().setConfig(ConfigLoader.toJson(node.config()))));
    for (int i = 0; i < 30; i++) {
      assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "handover").put("guid", "ho-" + i)).statusCode());
    }
    for (int i = 0; i < 6; i++) {
      var r = http.delete("/api/tasks/ho-" + i);
      assertEquals(200, r.statusCode(), "the cancel reached the dispatcher that holds ho-" + i + ": " + r.bodyAsString());
      assertEquals("cancelled", events.await("ho-" + i).getString("state"));
    }
    await(node.vertx().undeploy(extra));
    TefWorker w = TefWorker.builder("handover-worker").handle("handover", job -> Future.succeededFuture("handed over")).build();
    await(node.vertx().deployVerticle(w));
    await(w.registration());
    for (int i = 6; i < 30; i++) {
      assertEquals("completed", events.await("ho-" + i).getString("state"), "ho-" + i);
    }
  }
}
