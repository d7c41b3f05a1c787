package io.tef.node;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker written with the plain RabbitMQ client runs tasks submitted over AMQP, end to end. */
class AmqpWorkerTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;
  static AmqpBroker broker;
  static AmqpTestWorker worker;

  @BeforeAll
  static void start() throws Exception {
    broker = AmqpBroker.require();
    Map<String, Object> settings = new HashMap<>(broker.nodeSettings());
    startNode(dataDir, settings);
    AmqpBroker.awaitUp(node);
    worker = new AmqpTestWorker(AmqpBroker.URL, broker.prefix(), "amqp-w1", "amqp_echo");
    broker.forget(broker.prefix() + ".manager.amqp_echo.results");
    broker.forgetExchange(worker.resultsExchange());
    broker.forget(broker.prefix() + ".keeper.amqp_echo");
    broker.awaitWorkerKnown("amqp-w1");
  }

  @AfterAll
  static void stop() throws Exception {
    if (worker != null) {
      worker.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aTaskSubmittedOnTheManagerQueueRunsOnAnAmqpWorker() throws Exception {
    AmqpBroker.ReplyQueue replies = broker.replies();
    JsonObject envelope = new JsonObject().put("type", "task").put("task_type", "amqp_echo").put("guid", "amqp-e2e-1")
        .put("priority", 5).put("task_data", new JsonObject().put("message", "hello"));
    broker.send(broker.prefix() + ".manager", envelope.encode(), replies.name(), "c-1");

    JsonObject answer = replies.await("c-1");
    assertEquals(true, answer.getBoolean("response"), answer.encode());
    assertEquals("amqp-e2e-1", answer.getJsonObject("task").getString("guid"));

    JsonObject done = events.await("amqp-e2e-1");
    assertEquals("completed", done.getString("state"), done.encode());
    assertEquals("amqp-w1", done.getString("worker"));
    assertEquals(new JsonObject().put("echo", new JsonObject().put("message", "hello")).put("by", "amqp-w1"), done.getJsonObject("result"));
    assertEquals(1, worker.runs.get("amqp-e2e-1").get());
  }

  @Test
  void aFailureReportedByAnAmqpWorkerFailsTheTaskWithItsReason() throws Exception {
    JsonObject envelope = new JsonObject().put("type", "task").put("task_type", "amqp_echo").put("guid", "amqp-fail-1")
        .put("task_data", "fail").put("max_attempts", 1);
    // Through TEF's older input queue: the same handler.
    broker.send(broker.prefix() + ".task_queue.control", envelope.encode(), null, null);
    JsonObject done = events.await("amqp-fail-1");
    assertEquals("failed", done.getString("state"), done.encode());
    assertEquals("asked to fail", done.getString("fail_reason"));
  }

  /**
   * The defaults, read as `tef node` reads them: TEF's own worker, sending its worker_status every
   * 20 s and announcing no interval, is offline only after 2 x amqp.worker_ping_interval_ms (60 s),
   * where 2 x collective.ping_interval_ms (10 s) would have it flap. This node sets neither key
   * for AMQP workers (the test env shortens only the node's ping), so its AMQP worker, announcing
   * none, is watched by the default.
   */
  @Test
  void anAmqpWorkerThatAnnouncesNoIntervalIsWatchedByTheAmqpDefault() throws Exception {
    io.tef.core.config.TefConfig defaults = io.tef.core.config.ConfigLoader.loadBlocking(Map.of(), Map.of());
    assertEquals(30_000, defaults.amqp().workerPingIntervalMs());
    assertEquals(5_000, defaults.collective().pingIntervalMs());
    assertTrue(2 * defaults.collective().pingIntervalMs() < OriginalTefWorker.TEF_STATUS_INTERVAL_MS, "the node's own ping alone would flap it");
    assertTrue(defaults.amqp().workerPingIntervalMs() >= 1.5 * OriginalTefWorker.TEF_STATUS_INTERVAL_MS, "the AMQP default passes it with margin");

    JsonObject record = http.get("/api/workers/amqp-w1").bodyAsJsonObject();
    assertEquals(defaults.amqp().workerPingIntervalMs(), record.getLong("ping_interval_ms"), record.encode());
    assertEquals(false, record.getBoolean("takes_abandon"), "it did not say it takes abandon");
    assertEquals("amqp", record.getString("via"));
  }

  /**
   * A broker account is enough to publish to a type's results exchange, and REST shows guid,
   * attempt and worker; without the attempt_token the dispatch carried, such a result is refused
   * and the worker's own result is the one recorded.
   */
  @Test
  void aResultForgedFromWhatRestShowsIsRefused() throws Exception {
    JsonObject envelope = new JsonObject().put("type", "task").put("task_type", "amqp_echo").put("guid", "amqp-forged-1")
        .put("task_data", new JsonObject().put("sleep_ms", 1500));
    broker.send(broker.prefix() + ".manager", envelope.encode(), null, null);
    JsonObject running = http.awaitTask("amqp-forged-1", t -> "working".equals(t.getString("state")) || "dispatched".equals(t.getString("state")));
    JsonObject forged = new JsonObject().put("guid", "amqp-forged-1").put("attempt", running.getInteger("attempt"))
        .put("worker", running.getString("worker")).put("result", "forged");
    broker.publish(worker.resultsExchange(), "task", forged.encode());
    broker.publish(worker.resultsExchange(), "task", forged.copy().put("attempt_token", "a-guess").encode());
    JsonObject done = events.await("amqp-forged-1");
    assertEquals("completed", done.getString("state"), done.encode());
    assertEquals("amqp-w1", done.getJsonObject("result").getString("by"), "the worker's own result, not the forged one: " + done.encode());
    JsonObject state = http.get("/api/dispatcher/state").bodyAsJsonObject();
    assertTrue(state.getLong("forged_reports") >= 2, state.encode());
  }

  @Test
  void manyTasksRunOnceEach() throws Exception {
    for (int i = 0; i < 50; i++) {
      broker.send(broker.prefix() + ".manager", new JsonObject().put("type", "task").put("task_type", "amqp_echo")
          .put("guid", "amqp-many-" + i).put("task_data", i).encode(), null, null);
    }
    for (int i = 0; i < 50; i++) {
      assertEquals("completed", events.await("amqp-many-" + i).getString("state"));
      assertEquals(1, worker.runs.get("amqp-many-" + i).get(), "amqp-many-" + i + " ran more than once");
    }
  }
}
