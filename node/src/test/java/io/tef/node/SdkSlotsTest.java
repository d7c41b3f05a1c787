package io.tef.node;

import io.tef.protocol.Addresses;
import io.tef.worker.Job;
import io.tef.worker.TefWorker;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker SDK's slots (several tasks at once, one registered name each), its graceful stop
 * (finish or hand back) and {@code job.fail(reason)}.
 */
class SdkSlotsTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of());
  }

  @Test
  void threeSlotsRunThreeTasksAtOnceAndNeverMore() throws Exception {
    Gates gates = new Gates();
    TefWorker worker = TefWorker.builder("triple").slots(3).handle("slotted", gates::hold).build();
    assertEquals(List.of("triple:1", "triple:2", "triple:3"), worker.names());
    await(node.vertx().deployVerticle(worker));
    await(worker.registration());
    for (String name : worker.names()) {
      assertEquals(200, http.get("/api/workers/" + name).statusCode(), name + " is registered");
    }

    for (int i = 1; i <= 4; i++) {
      http.post("/api/tasks", new JsonObject().put("task_type", "slotted").put("guid", "slot-" + i));
    }
    Set<String> first = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      first.add(gates.awaitStart());
    }
    assertEquals(3, gates.running.get(), "three tasks run at the same time");
    assertNull(gates.started.poll(500, TimeUnit.MILLISECONDS), "the fourth waits while every slot is busy");

    String released = first.iterator().next();
    gates.release(released);
    assertEquals("completed", events.await(released).getString("state"));
    String fourth = gates.awaitStart();
    assertFalse(first.contains(fourth));
    first.forEach(gates::release);
    gates.release(fourth);

    Set<String> workersUsed = new HashSet<>();
    for (int i = 1; i <= 4; i++) {
      JsonObject done = events.await("slot-" + i);
      assertEquals("completed", done.getString("state"));
      assertEquals(1, done.getInteger("attempt"));
      assertTrue(worker.names().contains(done.getString("worker")), done.encode());
      workersUsed.add(done.getString("worker"));
    }
    assertEquals(3, workersUsed.size(), "every slot ran a task: " + workersUsed);
    assertEquals(3, gates.maxRunning.get(), "never more than three at once");
    await(node.vertx().undeploy(worker.deploymentID()));
  }

  @Test
  void oneSlotKeepsItsName() throws Exception {
    TefWorker worker = TefWorker.builder("solo").handle("solo-job", job -> Future.succeededFuture("done")).build();
    assertEquals(List.of("solo"), worker.names());
    await(node.vertx().deployVerticle(worker));
    await(worker.registration());
    http.post("/api/tasks", new JsonObject().put("task_type", "solo-job").put("guid", "solo-1"));
    assertEquals("solo", events.await("solo-1").getString("worker"));
    assertEquals(200, http.get("/api/workers/solo").statusCode());
    await(node.vertx().undeploy(worker.deploymentID()));

    assertThrows(IllegalArgumentException.class, () -> TefWorker.builder("x").slots(0));
    assertThrows(IllegalArgumentException.class, () -> TefWorker.builder("x").slots(TefWorker.MAX_SLOTS + 1));
    assertThrows(IllegalArgumentException.class, () -> TefWorker.builder("x#1"));
    assertThrows(IllegalArgumentException.class, () -> TefWorker.builder("x".repeat(199)).slots(2).handle("a", job -> null).build());
  }

  @Test
  void aStopWithGraceLetsTheRunningTaskFinishAndRefusesNewOnes() throws Exception {
    Gates gates = new Gates();
    TefWorker graceful = TefWorker.builder("graceful").stopGrace(Duration.ofSeconds(20)).handle("grace-job", gates::hold).build();
    await(node.vertx().deployVerticle(graceful));
    await(graceful.registration());
    http.post("/api/tasks", new JsonObject().put("task_type", "grace-job").put("guid", "grace-1"));
    assertEquals("grace-1", gates.awaitStart());
    // Only now a second worker, so that grace-1 surely went to the one that stops.
    TefWorker helper = TefWorker.builder("grace-helper").handle("grace-job", job -> Future.succeededFuture("helped")).build();
    await(node.vertx().deployVerticle(helper));
    await(helper.registration());

    Future<Void> stopped = node.vertx().undeploy(graceful.deploymentID());
    awaitRefusal("graceful", "stopping");
    http.post("/api/tasks", new JsonObject().put("task_type", "grace-job").put("guid", "grace-2"));
    JsonObject second = events.await("grace-2");
    assertEquals("grace-helper", second.getString("worker"), "a task submitted during the grace goes elsewhere");
    assertFalse(stopped.isComplete(), "the stop waits for the running task");

    gates.release("grace-1");
    JsonObject first = events.await("grace-1");
    assertEquals("completed", first.getString("state"));
    assertEquals("graceful", first.getString("worker"));
    assertEquals(1, first.getInteger("attempt"), "finished, not handed back");
    await(stopped);
    await(node.vertx().undeploy(helper.deploymentID()));
  }

  /** GET /api/workers shows each worker's own heartbeat interval, and that an SDK worker takes abandon. */
  @Test
  void anSdkWorkerAnnouncesItsIntervalAndThatItTakesAbandon() throws Exception {
    TefWorker own = TefWorker.builder("own-ping").pingInterval(java.time.Duration.ofMillis(300)).slots(2)
        .handle("own-ping-job", job -> Future.succeededFuture("ok")).build();
    TefWorker plain = TefWorker.builder("node-ping").handle("own-ping-job", job -> Future.succeededFuture("ok")).build();
    await(node.vertx().deployVerticle(own));
    await(node.vertx().deployVerticle(plain));
    await(own.registration());
    await(plain.registration());
    for (String name : own.names()) {
      JsonObject record = http.get("/api/workers/" + name).bodyAsJsonObject();
      assertEquals(300, record.getLong("ping_interval_ms"), record.encode());
      assertEquals(true, record.getBoolean("takes_abandon"), record.encode());
    }
    JsonObject record = http.get("/api/workers/node-ping").bodyAsJsonObject();
    assertEquals(node.config().collective().pingIntervalMs(), record.getLong("ping_interval_ms"), "one that asks for none gets the node's");
    assertEquals(true, record.getBoolean("takes_abandon"), record.encode());
    JsonObject listed = http.get("/api/workers?id=own-ping:*").bodyAsJsonObject();
    assertEquals(2, listed.getInteger("count"));
    listed.getJsonArray("workers").forEach(w -> assertEquals(300L, ((JsonObject) w).getLong("ping_interval_ms")));
    await(node.vertx().undeploy(own.deploymentID()));
    await(node.vertx().undeploy(plain.deploymentID()));
  }

  @Test
  void aStopWithoutGraceHandsTheTaskBack() throws Exception {
    Gates gates = new Gates();
    TefWorker hasty = TefWorker.builder("hasty").handle("hasty-job", gates::hold).build();
    await(node.vertx().deployVerticle(hasty));
    await(hasty.registration());
    http.post("/api/tasks", new JsonObject().put("task_type", "hasty-job").put("guid", "hasty-1"));
    assertEquals("hasty-1", gates.awaitStart());
    TefWorker helper = TefWorker.builder("hasty-helper").handle("hasty-job", job -> Future.succeededFuture("helped")).build();
    await(node.vertx().deployVerticle(helper));
    await(helper.registration());

    await(node.vertx().undeploy(hasty.deploymentID()));
    assertTrue(gates.jobs.get("hasty-1").abandoned(), "the handler learns its task was handed back");
    JsonObject done = events.await("hasty-1");
    assertEquals("completed", done.getString("state"));
    assertEquals("hasty-helper", done.getString("worker"));
    assertEquals(2, done.getInteger("attempt"));
    // Handed back by a worker that stopped (it said offline): not an attempt lost, nothing counted.
    assertEquals(0, done.getInteger("fail_count"), done.encode());
    assertEquals(0, done.getInteger("lost_count"), done.encode());
    await(node.vertx().undeploy(helper.deploymentID()));
  }

  @Test
  void jobFailEndsTheJobWithItsReason() throws Exception {
    TefWorker worker = TefWorker.builder("failing").slots(1)
        .handle("refuse-input", job -> job.fail("bad input"))
        // Failed from a timer while the handler's own future never completes.
        .handle("fail-later", job -> {
          Vertx.currentContext().owner().setTimer(1, id -> job.fail(null));
          return Promise.promise().future();
        })
        .handle("blank-failure", job -> Future.failedFuture(new IllegalStateException("  ")))
        .build();
    await(node.vertx().deployVerticle(worker));
    await(worker.registration());
    Map<String, String> expected = Map.of("refuse-input", "bad input", "fail-later", Job.NO_REASON, "blank-failure", "IllegalStateException");
    for (var e : expected.entrySet()) {
      // One slot: each task runs only once the one before it ended.
      http.post("/api/tasks", new JsonObject().put("task_type", e.getKey()).put("guid", "jf-" + e.getKey()).put("max_attempts", 1));
    }
    for (var e : expected.entrySet()) {
      JsonObject done = events.await("jf-" + e.getKey());
      assertEquals("failed", done.getString("state"), done.encode());
      assertEquals(e.getValue(), done.getString("fail_reason"));
      assertEquals("failing", done.getString("worker"));
    }
    await(node.vertx().undeploy(worker.deploymentID()));
  }

  /** Sends the stopping worker a task until it refuses with this reason (it is busy until its stop begins). */
  private static void awaitRefusal(String workerName, String reason) throws Exception {
    JsonObject assignment = new JsonObject().put("type", "task").put("attempt", 1).put("attempt_token", "probe-token")
        .put("task", new JsonObject().put("guid", "probe").put("task_type", "grace-job"));
    Polling.until(workerName + " refuses with '" + reason + "'", java.time.Duration.ofSeconds(10), () -> {
      ExecutionException refused = assertThrows(ExecutionException.class,
          () -> await(node.vertx().eventBus().request(Addresses.worker(workerName), assignment)));
      ReplyException re = assertInstanceOf(ReplyException.class, refused.getCause());
      return re.failureCode() + " " + re.getMessage();
    }, last -> last.equals("409 " + reason));
  }

  /** Handlers that hold each task until the test releases it, counting how many run at once. */
  private static final class Gates {
    final BlockingQueue<String> started = new LinkedBlockingQueue<>();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();
    final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, Promise<Object>> open = new ConcurrentHashMap<>();
    private final Map<String, Context> contexts = new ConcurrentHashMap<>();

    Future<Object> hold(Job job) {
      maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
      Promise<Object> p = Promise.promise();
      open.put(job.guid(), p);
      jobs.put(job.guid(), job);
      contexts.put(job.guid(), Vertx.currentContext()); // the worker's own event loop
      started.add(job.guid());
      return p.future();
    }

    String awaitStart() throws InterruptedException {
      String guid = started.poll(10, TimeUnit.SECONDS);
      assertNotNull(guid, "a task started");
      return guid;
    }

    void release(String guid) {
      Promise<Object> p = open.remove(guid);
      if (p != null) {
        // Counted down before the worker hears of the end, so a next task never overlaps it.
        running.decrementAndGet();
        contexts.get(guid).runOnContext(v -> p.complete("released " + guid));
      }
    }
  }
}
