package io.tef.node;

import io.tef.protocol.Addresses;
import io.tef.worker.TefWorker;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes in three JVMs on one clustered event bus and one store:
 * <ul>
 *   <li>A, this JVM: the store (served to the others), dispatcher, collective, registry, gateway; no worker;</li>
 *   <li>B, a child JVM: a gateway only;</li>
 *   <li>C, a child JVM: dispatcher, collective, registry, gateway and one demo worker.</li>
 * </ul>
 * Tasks submitted at A's and B's gateways run on C's worker; GET /api/cluster on each node lists
 * all three with their roles and health. Then C leaves with SIGTERM while it answers for queued
 * tasks and its worker runs one: its dispatcher hands its tasks back (its lease marked stopped,
 * so A takes them over), its worker hands back the running one, and a worker that appears on A
 * only afterwards completes every one of them exactly once; C drops out of /api/cluster.
 */
class ClusterTest {

  private static final String ROLES_C = "dispatcher,collective,registry,gateway";
  private static final String C_WORKER = "demo-node-c-1";
  private static final String LATE_WORKER = "late-worker-a";
  private static final int HELD = 20;

  @TempDir
  Path dataA;
  @TempDir
  Path dataB;
  @TempDir
  Path dataC;

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void threeNodesShareTheWorkAndANodeThatLeavesGracefullyHandsItsWorkBack() throws Exception {
    TefNode a = TestNodes.start(dataA, Map.of("cluster.enabled", true, "cluster.host", "127.0.0.1", "node.name", "node-a"));
    String store = a.config().mongo().connectionString();
    var bus = a.vertx().eventBus();
    Map<String, AtomicInteger> ends = new ConcurrentHashMap<>();
    MessageConsumer<JsonObject> endings = bus.consumer(Addresses.EVENTS_TASKS,
        m -> ends.computeIfAbsent(m.body().getString("guid"), g -> new AtomicInteger()).incrementAndGet());
    List<JsonObject> takeovers = new ArrayList<>();
    CompletableFuture<JsonObject> cTakenOver = new CompletableFuture<>();
    MessageConsumer<JsonObject> dispatcherEvents = bus.consumer(Addresses.EVENTS_DISPATCHERS, m -> {
      if ("took_over".equals(m.body().getString("event"))) {
        synchronized (takeovers) {
          takeovers.add(m.body());
        }
        if (m.body().getJsonArray("dead").stream().anyMatch(d -> String.valueOf(d).startsWith("node-c/"))) {
          cTakenOver.complete(m.body());
        }
      }
    });
    await(endings.completion());
    await(dispatcherEvents.completion());
    // B and C start side by side: two JVMs joining Hazelcast take most of this test's time.
    try (NodeProcess b = NodeProcess.start(dataB, "--cluster", "--cluster-host", "127.0.0.1", "--name", "node-b",
        "--roles", "gateway", "--store-url", store);
         NodeProcess c = NodeProcess.start(dataC, "--cluster", "--cluster-host", "127.0.0.1", "--name", "node-c",
             "--roles", ROLES_C, "--store-url", store, "--demo-workers", "1");
         Http atA = new Http(a.vertx(), a.httpPort());
         Http atB = new Http(a.vertx(), b.awaitReady());
         Http atC = new Http(a.vertx(), c.awaitReady())) {

      // Every node's gateway shows the same three nodes, each with its roles and health.
      for (Http at : List.of(atA, atB, atC)) {
        JsonObject cluster = awaitCluster(at, cl -> cl.getInteger("count") == 3);
        assertEquals(List.of("node-a", "node-b", "node-c"), names(cluster));
        JsonArray nodes = cluster.getJsonArray("nodes");
        assertTrue(nodes.getJsonObject(0).getJsonArray("roles").getList().containsAll(List.of("dispatcher", "collective", "registry", "gateway")),
            "A's roles: " + nodes.getJsonObject(0));
        assertEquals(new JsonArray().add("gateway"), nodes.getJsonObject(1).getJsonArray("roles"));
        assertEquals(new JsonArray(List.of(ROLES_C.split(","))), nodes.getJsonObject(2).getJsonArray("roles"));
        nodes.forEach(n -> assertEquals("UP", ((JsonObject) n).getString("status"), "health of " + n));
      }
      TestNodes.awaitDispatchers(a, 2);

      // Submitted at A's gateway and at B's (which runs no dispatcher): run by the worker in C's JVM.
      for (int i = 0; i < 3; i++) {
        assertEquals(201, atA.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "at-a-" + i).put("task_data", i)).statusCode());
        assertEquals(201, atB.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "at-b-" + i).put("task_data", i)).statusCode());
      }
      for (int i = 0; i < 3; i++) {
        for (String guid : List.of("at-a-" + i, "at-b-" + i)) {
          JsonObject done = atA.awaitState(guid, "completed");
          assertEquals(C_WORKER, done.getString("worker"), guid + " run by the worker in C's JVM");
          assertEquals(i, done.getInteger("result"));
        }
      }
      assertEquals("completed", atC.awaitState("at-b-0", "completed").getString("state"), "C's gateway reads the same store");

      // C's work when it leaves: a task its worker runs, and tasks of a type no worker runs yet,
      // submitted at C's gateway (the submit goes to A's or C's dispatcher; C must answer for some).
      atC.post("/api/tasks", new JsonObject().put("task_type", "sleep").put("guid", "running-on-c").put("task_data", new JsonObject().put("ms", 600_000)));
      atA.awaitTask("running-on-c", t -> "working".equals(t.getString("state")) && C_WORKER.equals(t.getString("worker")));
      List<String> ownedByC = new ArrayList<>();
      for (int i = 0; i < HELD; i++) {
        var r = atC.post("/api/tasks", new JsonObject().put("task_type", "later").put("guid", "held-" + i));
        assertEquals(201, r.statusCode(), r.bodyAsString());
        if (r.bodyAsJsonObject().getString("dispatcher").startsWith("node-c/")) {
          ownedByC.add("held-" + i);
        }
      }
      assertFalse(ownedByC.isEmpty(), "C's dispatcher accepted none of the " + HELD + " tasks submitted at its gateway");

      long sigterm = System.nanoTime();
      int exit = c.terminate(); // 143: the JVM's exit code after SIGTERM, shutdown hook included
      assertTrue(c.output().contains("TEF node node-c stopped"), "C stops cleanly on SIGTERM, exit " + exit + ":\n" + c.output());
      JsonObject takeover = cTakenOver.get(30, TimeUnit.SECONDS);
      long handedBackMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
      String cInstance = takeover.getJsonArray("dead").stream().map(String::valueOf).filter(d -> d.startsWith("node-c/")).findFirst().orElseThrow();
      assertTrue(takeover.getJsonArray("stopped").contains(cInstance),
          "C's lease was taken over as stopped (handed back), not found lapsed or gone: " + takeover.encode());
      assertTrue(takeover.getString("by").startsWith("node-a/"), takeover.encode());
      assertTrue(takeover.getInteger("tasks") >= ownedByC.size(), "A adopted all of C's queued tasks: " + takeover.encode());

      // Before any worker can run them: every held task is still queued, and the task C's worker
      // ran is back in the queue. (A stored task keeps naming the owner that accepted it until
      // its next write; the takeover record says who answers for it now.)
      for (int i = 0; i < HELD; i++) {
        assertEquals("queued", atA.get("/api/tasks/held-" + i).bodyAsJsonObject().getString("state"), "held-" + i);
      }
      atA.awaitState("running-on-c", "queued");

      // C is gone from the cluster on both survivors.
      for (Http at : List.of(atA, atB)) {
        assertEquals(List.of("node-a", "node-b"), names(awaitCluster(at, cl -> cl.getInteger("count") == 2)));
      }

      // A worker that appears on A only now runs C's work, each task once.
      Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
      TefWorker late = TefWorker.builder(LATE_WORKER)
          .handle("later", job -> {
            runs.computeIfAbsent(job.guid(), g -> new AtomicInteger()).incrementAndGet();
            return Future.succeededFuture("done on A");
          })
          .handle("sleep", job -> {
            runs.computeIfAbsent(job.guid(), g -> new AtomicInteger()).incrementAndGet();
            return Future.succeededFuture("woke on A");
          })
          .build();
      a.addWorker(late);
      await(late.registration());
      List<String> handedBack = new ArrayList<>();
      for (int i = 0; i < HELD; i++) {
        handedBack.add("held-" + i);
      }
      handedBack.add("running-on-c");
      for (String guid : handedBack) {
        JsonObject done = atA.awaitState(guid, "completed");
        assertEquals(LATE_WORKER, done.getString("worker"), guid);
        assertTrue(done.getString("dispatcher").startsWith("node-a/"), guid + " recorded by A's dispatcher: " + done.encode());
      }
      assertEquals(2, atA.awaitState("running-on-c", "completed").getInteger("attempt"), "the attempt C's worker handed back, then A's");
      // The last end events may still be on their way: wait for them, then count.
      awaitTrue(() -> handedBack.stream().allMatch(ends::containsKey), () -> "end events heard: " + ends.keySet());
      for (String guid : handedBack) {
        assertEquals(1, runs.get(guid).get(), guid + " ran once");
        assertEquals(1, ends.get(guid).get(), guid + " was recorded as ended once");
      }
      synchronized (takeovers) {
        assertEquals(1, takeovers.stream().filter(t -> t.getJsonArray("dead").contains(cInstance)).count(), "C was taken over once: " + takeovers);
      }
      System.out.println("cluster: C left on SIGTERM; its " + ownedByC.size() + " queued tasks (of " + HELD + " submitted at its gateway)"
          + " were taken over by A " + handedBackMs + " ms after the signal; all " + handedBack.size() + " handed-back tasks completed once on A");
      await(endings.unregister());
      await(dispatcherEvents.unregister());
    } finally {
      a.close();
    }
  }

  private static List<String> names(JsonObject cluster) {
    return cluster.getJsonArray("nodes").stream().map(n -> ((JsonObject) n).getString("name")).toList();
  }

  /** Polls GET /api/cluster: node entries are renewed on timers, so there is no event to await. */
  private static JsonObject awaitCluster(Http http, Predicate<JsonObject> condition) throws Exception {
    return Polling.until("the cluster looks as expected", java.time.Duration.ofSeconds(30), java.time.Duration.ofMillis(100),
        () -> http.get("/api/cluster").bodyAsJsonObject(), condition);
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> what) throws Exception {
    try {
      Polling.until("condition", java.time.Duration.ofSeconds(10), condition);
    } catch (AssertionError e) {
      throw new AssertionError(what.get(), e);
    }
  }
}
