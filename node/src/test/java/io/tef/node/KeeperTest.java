package io.tef.node;

import io.tef.protocol.Addresses;
import io.tef.protocol.task.TaskState;
import io.tef.worker.FinishedTask;
import io.tef.worker.ResultHandler;
import io.tef.worker.TefKeeper;
import io.tef.worker.TefWorker;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keepers: result handlers that get every terminal task of their types at least once, live or,
 * when they were down, by catching up from the store; their checkpoint outlives a restart.
 * Each test has its own task types and keeper names, as they share one node.
 */
class KeeperTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of());
    // Echoes its task data; fails with it when it is "boom".
    TefWorker worker = TefWorker.builder("keeper-test-worker").handleAll(Map.of(
        "k-live", KeeperTest::echoOrFail, "k-other", KeeperTest::echoOrFail, "k-catchup", KeeperTest::echoOrFail,
        "k-checkpoint", KeeperTest::echoOrFail, "k-begin", KeeperTest::echoOrFail, "k-retry", KeeperTest::echoOrFail)).build();
    await(node.vertx().deployVerticle(worker));
    await(worker.registration());
  }

  private static Future<Object> echoOrFail(io.tef.worker.Job job) {
    return "boom".equals(job.data()) ? Future.failedFuture("boom") : Future.succeededFuture(job.data());
  }

  @Test
  void aKeeperReceivesLiveResultsOfItsTypesWhateverTheirEnd() throws Exception {
    Recorder seen = new Recorder();
    TefKeeper keeper = TefKeeper.builder("live-keeper").keep("k-live", seen).build();
    deploy(keeper);

    finish("k-other", "other-1", "x");                         // not its type
    finish("k-live", "live-ok", "fine");
    finish("k-live", "live-failed", "boom");
    JsonObject held = new JsonObject().put("task_type", "k-live").put("guid", "live-cancelled").put("run_at", "in 1 hour");
    assertEquals(201, http.post("/api/tasks", held).statusCode());
    assertEquals(200, http.delete("/api/tasks/live-cancelled").statusCode());

    Map<String, FinishedTask> got = seen.await("live-ok", "live-failed", "live-cancelled");
    assertEquals(TaskState.COMPLETED, got.get("live-ok").state());
    assertEquals("fine", got.get("live-ok").result());
    assertEquals(TaskState.FAILED, got.get("live-failed").state());
    assertEquals("boom", got.get("live-failed").failReason());
    assertEquals(TaskState.CANCELLED, got.get("live-cancelled").state());
    // other-1 ended before the others, and results come in order: it would have been seen by now.
    assertEquals(List.of("live-ok", "live-failed", "live-cancelled"), seen.guids());
    undeploy(keeper);
  }

  @Test
  void aKeeperCatchesUpOnEveryResultThatEndedWhileItWasDown() throws Exception {
    Recorder first = new Recorder();
    TefKeeper keeper = TefKeeper.builder("catchup-keeper").keep("k-catchup", first).pageSize(2).build();
    deploy(keeper);
    finish("k-catchup", "cu-0", "before");
    first.await("cu-0");
    undeploy(keeper);

    List<String> missed = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      missed.add(finish("k-catchup", "cu-" + i, i == 3 ? "boom" : "n" + i));
    }

    Recorder second = new Recorder();
    TefKeeper again = TefKeeper.builder("catchup-keeper").keep("k-catchup", second).pageSize(2).build();
    deploy(again);
    await(again.caughtUp());
    second.await(missed.toArray(String[]::new));
    // Every missed result, once each, in the order they finished (three pages of two), and not
    // cu-0, which the first run handled.
    assertEquals(missed, second.guids());
    assertEquals(TaskState.FAILED, second.get("cu-3").state());

    // Then live results follow.
    finish("k-catchup", "cu-6", "after");
    second.await("cu-6");
    assertEquals(6, second.guids().size());
    undeploy(again);
  }

  @Test
  void theCheckpointOutlivesARestartSoHandledResultsAreNotHandedOutAgain() throws Exception {
    Recorder first = new Recorder();
    TefKeeper keeper = TefKeeper.builder("checkpoint-keeper").keep("k-checkpoint", first).build();
    deploy(keeper);
    for (int i = 1; i <= 3; i++) {
      finish("k-checkpoint", "cp-" + i, "n" + i);
    }
    Map<String, FinishedTask> handled = first.await("cp-1", "cp-2", "cp-3");
    undeploy(keeper); // a graceful stop saves the checkpoint at the newest handled result

    JsonObject stored = checkpoint("checkpoint-keeper");
    assertEquals("cp-3", stored.getString("guid"));
    assertEquals(handled.get("cp-3").finishedAt(), Instant.parse(stored.getString("finished_at")));
    assertEquals(new JsonArray().add("k-checkpoint"), stored.getJsonArray("task_types"));

    Recorder second = new Recorder();
    TefKeeper again = TefKeeper.builder("checkpoint-keeper").keep("k-checkpoint", second).build();
    deploy(again);
    await(again.caughtUp());
    finish("k-checkpoint", "cp-4", "n4");
    second.await("cp-4");
    // Anything handed out again would have come before cp-4.
    assertEquals(List.of("cp-4"), second.guids());
    undeploy(again);
  }

  @Test
  void aNewKeeperStartsFromNowUnlessToldToStartFromTheBeginning() throws Exception {
    finish("k-begin", "b-1", "n1");
    finish("k-begin", "b-2", "n2");

    Recorder fromStart = new Recorder();
    TefKeeper all = TefKeeper.builder("begin-keeper").keep("k-begin", fromStart).fromBeginning().build();
    deploy(all);
    await(all.caughtUp());
    fromStart.await("b-1", "b-2");

    Recorder fromNow = new Recorder();
    TefKeeper recent = TefKeeper.builder("now-keeper").keep("k-begin", fromNow).build();
    deploy(recent);
    await(recent.caughtUp());
    assertTrue(checkpoint("now-keeper") != null, "the starting point is saved at once");
    finish("k-begin", "b-3", "n3");
    fromNow.await("b-3");
    fromStart.await("b-3");
    assertEquals(List.of("b-3"), fromNow.guids());
    assertEquals(List.of("b-1", "b-2", "b-3"), fromStart.guids());
    undeploy(all);
    undeploy(recent);
  }

  @Test
  void aFailingHandlerIsRetriedThenSkipped() throws Exception {
    AtomicInteger flakyCalls = new AtomicInteger();
    Map<String, Integer> calls = new HashMap<>();
    Recorder seen = new Recorder();
    ResultHandler handler = task -> {
      synchronized (calls) {
        calls.merge(task.guid(), 1, Integer::sum);
      }
      if (task.guid().equals("r-flaky") && flakyCalls.incrementAndGet() < 3) {
        return Future.failedFuture("not yet");
      }
      if (task.guid().equals("r-broken")) {
        return Future.failedFuture("never");
      }
      return seen.handle(task);
    };
    TefKeeper keeper = TefKeeper.builder("retry-keeper").keep("k-retry", handler).retries(2, Duration.ofMillis(10)).build();
    deploy(keeper);
    finish("k-retry", "r-flaky", "a");
    finish("k-retry", "r-broken", "b");
    finish("k-retry", "r-after", "c");
    seen.await("r-flaky", "r-after");
    synchronized (calls) {
      assertEquals(3, calls.get("r-flaky"), "two failures, then it succeeded");
      assertEquals(3, calls.get("r-broken"), "tried once and retried twice, then skipped");
    }
    assertEquals(List.of("r-flaky", "r-after"), seen.guids());
    undeploy(keeper);
  }

  @Test
  void badKeeperRequestsNameTheField() throws Exception {
    var bus = node.vertx().eventBus();
    assertEquals("limit", refused(bus.request(Addresses.KEEPERS_RESULTS, new JsonObject().put("task_types", new JsonArray().add("x")).put("limit", 0))));
    assertEquals("task_types", refused(bus.request(Addresses.KEEPERS_RESULTS, new JsonObject().put("limit", 10))));
    assertEquals("after.finished_at", refused(bus.request(Addresses.KEEPERS_RESULTS, new JsonObject()
        .put("task_types", new JsonArray().add("x")).put("limit", 10).put("after", new JsonObject().put("finished_at", "yesterday").put("guid", "g")))));
    assertEquals("action", refused(bus.request(Addresses.KEEPERS_CHECKPOINT, new JsonObject().put("action", "drop").put("keeper", "k"))));
    assertEquals("keeper", refused(bus.request(Addresses.KEEPERS_CHECKPOINT, new JsonObject().put("action", "load").put("keeper", "no spaces"))));
    assertNull(checkpoint("never-ran"));
  }

  private static String refused(Future<?> request) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(request));
    ReplyException r = assertInstanceOf(ReplyException.class, e.getCause());
    assertEquals(400, r.failureCode());
    return new JsonObject(r.getMessage()).getString("field");
  }

  private static JsonObject checkpoint(String keeper) throws Exception {
    JsonObject reply = await(node.vertx().eventBus().<JsonObject>request(Addresses.KEEPERS_CHECKPOINT,
        new JsonObject().put("action", "load").put("keeper", keeper))).body();
    return reply.getJsonObject("checkpoint");
  }

  /** Submits a task that ends at once (max_attempts 1) and waits until it has ended; its guid. */
  private static String finish(String type, String guid, String data) throws Exception {
    JsonObject task = new JsonObject().put("task_type", type).put("guid", guid).put("task_data", data).put("max_attempts", 1);
    assertEquals(201, http.post("/api/tasks", task).statusCode());
    events.await(guid);
    return guid;
  }

  private static void deploy(TefKeeper keeper) throws Exception {
    await(node.vertx().deployVerticle(keeper));
  }

  private static void undeploy(TefKeeper keeper) throws Exception {
    await(node.vertx().undeploy(keeper.deploymentID()));
  }

  /** A handler that records what it is given, in order, and lets a test await guids. */
  private static final class Recorder implements ResultHandler {
    private final List<FinishedTask> received = new ArrayList<>();
    private final Map<String, Promise<FinishedTask>> byGuid = new HashMap<>();

    @Override
    public synchronized Future<Void> handle(FinishedTask task) {
      received.add(task);
      promise(task.guid()).tryComplete(task);
      return Future.succeededFuture();
    }

    Map<String, FinishedTask> await(String... guids) throws Exception {
      Map<String, FinishedTask> out = new HashMap<>();
      for (String g : guids) {
        Future<FinishedTask> f;
        synchronized (this) {
          f = promise(g).future();
        }
        out.put(g, TestNodes.await(f));
      }
      return out;
    }

    synchronized FinishedTask get(String guid) {
      return received.stream().filter(t -> t.guid().equals(guid)).findFirst().orElseThrow();
    }

    synchronized List<String> guids() {
      return received.stream().map(FinishedTask::guid).collect(Collectors.toList());
    }

    private Promise<FinishedTask> promise(String guid) {
      return byGuid.computeIfAbsent(guid, g -> Promise.promise());
    }
  }
}
