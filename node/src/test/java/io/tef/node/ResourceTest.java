package io.tef.node;

import io.tef.worker.TefWorker;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Resources (TEF's res_man): counted semaphores tasks take all or none of, freed on every end. */
class ResourceTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;

  /** Run intervals of the guarded tasks, by guid: [start, end] in nanoseconds. */
  private static final Map<String, long[]> runs = new ConcurrentHashMap<>();
  private static final AtomicInteger running = new AtomicInteger();
  private static final AtomicInteger mostAtOnce = new AtomicInteger();
  /** Tasks of type "held" run until the test completes their promise (or they are abandoned). */
  private static final Map<String, CompletableFuture<Promise<Object>>> held = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("resources.cfg-lock.limit", 1));
    for (int i = 0; i < 4; i++) {
      TefWorker w = TefWorker.builder("res-worker-" + i)
          .handle("guarded", job -> {
            long start = System.nanoTime();
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            Promise<Object> done = Promise.promise();
            node.vertx().setTimer(60, id -> {
              running.decrementAndGet();
              runs.put(job.guid(), new long[] {start, System.nanoTime()});
              done.complete("ok");
            });
            return done.future();
          })
          .handle("held", job -> {
            Promise<Object> p = Promise.promise();
            held.computeIfAbsent(job.guid(), g -> new CompletableFuture<>()).complete(p);
            return p.future();
          })
          .handle("breaks", job -> Future.failedFuture("broken on purpose"))
          .build();
      await(node.vertx().deployVerticle(w));
      await(w.registration());
    }
  }

  private static void define(String name, JsonObject def, int expectedStatus) throws Exception {
    var r = http.put("/api/resources/" + name, def);
    assertEquals(expectedStatus, r.statusCode(), r.bodyAsString());
  }

  private static void submit(String guid, String type, String resources) throws Exception {
    var r = http.post("/api/tasks", new JsonObject().put("task_type", type).put("guid", guid).put("resources", resources).put("max_attempts", 1));
    assertEquals(201, r.statusCode(), r.bodyAsString());
  }

  private static Promise<Object> started(String guid) throws Exception {
    return held.computeIfAbsent(guid, g -> new CompletableFuture<>()).get(30, TimeUnit.SECONDS);
  }

  @Test
  void aMutexIsNeverHeldTwice() throws Exception {
    define("db", new JsonObject().put("limit", 1), 201);
    define("db", new JsonObject().put("limit", 1), 200);
    runs.clear();
    for (int i = 0; i < 8; i++) {
      submit("mutex-" + i, "guarded", "db");
    }
    for (int i = 0; i < 8; i++) {
      assertEquals("completed", events.await("mutex-" + i).getString("state"));
    }
    List<long[]> ordered = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ordered.add(runs.get("mutex-" + i));
    }
    ordered.sort(Comparator.comparingLong(r -> r[0]));
    for (int i = 1; i < ordered.size(); i++) {
      assertTrue(ordered.get(i)[0] >= ordered.get(i - 1)[1], "run " + i + " started before the previous one ended");
    }
  }

  @Test
  void aLimitOfTwoIsHeldTwiceAtMost() throws Exception {
    define("pool2", new JsonObject().put("limit", 2), 201);
    mostAtOnce.set(0);
    for (int i = 0; i < 12; i++) {
      submit("pool-" + i, "guarded", "pool2|never-defined");
    }
    for (int i = 0; i < 12; i++) {
      events.await("pool-" + i);
    }
    assertEquals(2, mostAtOnce.get(), "four idle workers, two holders at a time");
  }

  @Test
  void cancellingTheHolderFreesTheResourceAndTheHoldersAreShown() throws Exception {
    define("lock", new JsonObject().put("limit", 1), 201);
    submit("holder", "held", "lock");
    started("holder");
    submit("next-in-line", "held", "lock");
    JsonObject shown = http.get("/api/resources/lock").bodyAsJsonObject();
    assertEquals(1, shown.getInteger("held"), shown.encode());
    assertEquals("holder", shown.getJsonArray("holders").getJsonObject(0).getString("guid"));
    assertEquals(1, shown.getInteger("waiting"), shown.encode());
    assertEquals(200, http.delete("/api/tasks/holder").statusCode());
    started("next-in-line").complete("done");
    assertEquals("completed", events.await("next-in-line").getString("state"));
    // The ending is published once stored; its hold is released just after, by the resource gate.
    Polling.until("the lock released", java.time.Duration.ofSeconds(10), () -> http.get("/api/resources/lock").bodyAsJsonObject(),
        view -> view.getInteger("held") == 0);
  }

  @Test
  void aFailedTaskFreesItsResource() throws Exception {
    define("fragile", new JsonObject().put("limit", 1), 201);
    submit("breaks-1", "breaks", "fragile");
    assertEquals("failed", events.await("breaks-1").getString("state"));
    submit("after-break", "guarded", "fragile");
    assertEquals("completed", events.await("after-break").getString("state"));
  }

  @Test
  void anUnavailableResourceHoldsTasksUntilItIsAvailable() throws Exception {
    define("gate", new JsonObject().put("limit", 1).put("available", false), 201);
    submit("behind-gate", "guarded", "gate");
    JsonObject view = http.get("/api/resources/gate").bodyAsJsonObject();
    assertEquals(false, view.getJsonObject("now").getBoolean("available"));
    assertEquals("queued", http.get("/api/tasks/behind-gate").bodyAsJsonObject().getString("state"));
    define("gate", new JsonObject().put("limit", 1).put("available", true), 200);
    assertEquals("completed", events.await("behind-gate").getString("state"));
  }

  @Test
  void resourcesFromConfigAreDefinedAndDeletingMakesANameUnlimited() throws Exception {
    var r = http.get("/api/resources/cfg-lock");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(1, r.bodyAsJsonObject().getInteger("limit"));
    assertTrue(http.get("/api/resources").bodyAsJsonObject().getJsonArray("resources").stream()
        .anyMatch(o -> "cfg-lock".equals(((JsonObject) o).getString("name"))));
    assertEquals(200, http.delete("/api/resources/cfg-lock").statusCode());
    assertEquals(404, http.get("/api/resources/cfg-lock").statusCode());
    assertEquals(404, http.delete("/api/resources/cfg-lock").statusCode());
  }

  @Test
  void aWorkerDefinesTheTaskTypesItBringsWhenAutoDefineIsOn() throws Exception {
    var r = http.get("/api/task-types/guarded");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("guarded", r.bodyAsJsonObject().getString("id"));
  }

  @Test
  void badDefinitionsAreRefusedNamingTheField() throws Exception {
    var r = http.put("/api/resources/bad", new JsonObject().put("limit", "many"));
    assertEquals(400, r.statusCode());
    assertEquals("limit", r.bodyAsJsonObject().getString("field"));
    r = http.put("/api/resources/bad", new JsonObject().put("limit", 1).put("windows", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("start", "09:00").put("end", "25:00").put("limit", 2))));
    assertEquals(400, r.statusCode());
    assertEquals("windows[0].end", r.bodyAsJsonObject().getString("field"));
    assertEquals(400, http.put("/api/resources/bad", "not json").statusCode());
    assertEquals(404, http.get("/api/resources/bad").statusCode(), "nothing was stored");
  }
}
