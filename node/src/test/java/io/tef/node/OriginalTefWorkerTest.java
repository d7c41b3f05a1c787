package io.tef.node;

import com.rabbitmq.client.Delivery;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TEF's own Ruby worker ({@link OriginalTefWorker}: exactly its messages) against TEF, scaled
 * down in time: it sends its worker_status every 1.3 s where tef-worker's default is 20 s, the
 * node's {@code collective.ping_interval_ms} is 500 ms (twice that is shorter than the worker's
 * interval, as twice the default 5 s is shorter than 20 s), and an AMQP worker that announces no
 * interval is watched by {@code amqp.worker_ping_interval_ms} 2 s where the default is 30 s.
 */
class OriginalTefWorkerTest extends SharedNodeTest {

  static final long STATUS_INTERVAL_MS = 1300;
  static final long AMQP_PING_MS = 2000;

  @TempDir
  static Path dataDir;
  static AmqpBroker broker;
  static BlockingQueue<Delivery> deadLetters;

  @BeforeAll
  static void start() throws Exception {
    broker = AmqpBroker.require();
    Map<String, Object> settings = new HashMap<>(broker.nodeSettings());
    settings.put("amqp.worker_ping_interval_ms", AMQP_PING_MS);
    startNode(dataDir, settings);
    AmqpBroker.awaitUp(node);
    deadLetters = broker.listen(broker.prefix() + ".dead_letter");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private static OriginalTefWorker worker(String name, String type, boolean diesOnTask) throws Exception {
    OriginalTefWorker w = new OriginalTefWorker(AmqpBroker.URL, broker.prefix(), name, type, STATUS_INTERVAL_MS, diesOnTask);
    broker.forget(w.queue);
    broker.forget(broker.prefix() + ".manager." + type + ".results");
    broker.forget(broker.prefix() + ".keeper." + type);
    broker.forgetExchange(w.resultsExchange());
    return w;
  }

  /** Polls a condition (every 20 ms, 30 s at most). */
  private static void awaitTrue(BooleanSupplier condition, String what) {
    Polling.until(what, java.time.Duration.ofSeconds(30), condition);
  }

  private static JsonObject record(String name) throws Exception {
    HttpResponse<Buffer> r = http.get("/api/workers/" + name);
    return r.statusCode() == 200 ? r.bodyAsJsonObject() : null;
  }

  private static void awaitAlive(String name) throws Exception {
    Polling.until(name + " registers", java.time.Duration.ofSeconds(30), () -> record(name), r -> r.getBoolean("alive"));
  }

  private static void submit(String guid, String type, JsonObject data, Integer maxAttempts) throws Exception {
    JsonObject envelope = new JsonObject().put("type", "task").put("task_type", type).put("guid", guid).put("task_data", data);
    if (maxAttempts != null) {
      envelope.put("max_attempts", maxAttempts);
    }
    broker.send(broker.prefix() + ".manager", envelope.encode(), null, null);
  }

  /** Heartbeats: an idle worker that sends its status less often than twice the node's ping stays online. */
  @Test
  void anIdleWorkerStaysOnlineBetweenItsStatuses() throws Exception {
    try (OriginalTefWorker w = worker("ruby-idle", "ruby_idle", false)) {
      awaitAlive("ruby-idle");
      int sent = w.statusesSent.get();
      awaitTrue(() -> w.statusesSent.get() >= sent + 4, "four more worker_status");
      JsonObject record = record("ruby-idle");
      assertEquals(true, record.getBoolean("alive"), record.encode());
      assertEquals("idle", record.getString("status"));
      assertEquals(AMQP_PING_MS, record.getLong("ping_interval_ms"), "it announced none: amqp.worker_ping_interval_ms");
      assertEquals(false, record.getBoolean("takes_abandon"));
      assertFalse(record.getJsonArray("messages").encode().contains("offline"), "it never flapped offline: " + record.getJsonArray("messages"));
    }
  }

  /** Heartbeats: a task that runs longer than twice the node's ping is neither taken away nor run twice. */
  @Test
  void aLongTaskRunsOnceUnderItsFirstAttempt() throws Exception {
    try (OriginalTefWorker w = worker("ruby-long", "ruby_long", false)) {
      awaitAlive("ruby-long");
      submit("ruby-long-1", "ruby_long", new JsonObject().put("command", "sleep 3; echo done"), null);
      JsonObject done = events.await("ruby-long-1");
      assertEquals("completed", done.getString("state"), done.encode());
      assertEquals(1, done.getInteger("attempt"), done.encode());
      assertEquals("done\n", done.getJsonObject("result").getString("stdout"));
      assertEquals(0, done.getInteger("fail_count"));
      assertEquals(1, w.received.size(), "given once: " + w.received);
      assertFalse(record("ruby-long").getJsonArray("messages").encode().contains("offline"));
    }
  }

  /**
   * Every attempt counts: a worker that dies on the task every time (each restart is a new
   * worker, its name host.pid) makes the task end failed after max_attempts, saying why.
   */
  @Test
  void aTaskWhoseWorkerDiesEveryTimeEndsFailedAfterMaxAttempts() throws Exception {
    submit("ruby-die-1", "ruby_die", new JsonObject().put("command", "echo never"), 3);
    int incarnations = 0;
    while (!events.of("ruby-die-1").isComplete() && incarnations < 6) {
      incarnations++;
      int attempt = incarnations;
      try (OriginalTefWorker w = worker("ruby-die-" + incarnations, "ruby_die", true)) {
        awaitTrue(w::isDead, "worker " + w.name + " got the task and died");
        // Declared offline after twice its interval: the task is queued again, or it has failed.
        JsonObject after = http.awaitTask("ruby-die-1", t -> t.getInteger("attempt") >= attempt
            && ("queued".equals(t.getString("state")) || "failed".equals(t.getString("state"))));
        if ("failed".equals(after.getString("state"))) {
          // The store says failed a moment before the published end arrives: wait for it rather than start a fourth worker.
          events.await("ruby-die-1");
        }
      }
    }
    assertTrue(events.of("ruby-die-1").isComplete(), "still running after " + incarnations + " workers died on it");
    JsonObject done = events.await("ruby-die-1");
    assertEquals("failed", done.getString("state"), done.encode());
    assertEquals(3, done.getInteger("attempt"));
    assertEquals(3, done.getInteger("fail_count"));
    assertEquals(3, done.getInteger("lost_count"));
    assertEquals(3, incarnations, "a fourth worker was not needed");
    assertEquals("worker ruby-die-3 went silent during attempt 3: the last of max_attempts 3 (3 attempts lost with their worker)",
        done.getString("fail_reason"));
  }

  /**
   * Abandon only where understood: a cancelled task's worker is not sent abandon (TEF's would
   * run it as a task); it stays busy until its late result, which is acknowledged, not
   * dead-lettered; then it takes the next task.
   */
  @Test
  void aCancelledTasksWorkerIsNotToldToAbandonAndItsLateResultIsNotDeadLettered() throws Exception {
    try (OriginalTefWorker w = worker("ruby-cancel", "ruby_cancel", false)) {
      awaitAlive("ruby-cancel");
      submit("ruby-cancel-1", "ruby_cancel", new JsonObject().put("command", "sleep 2; echo late"), null);
      awaitTrue(() -> w.received.size() == 1, "the worker got the task");
      assertEquals(200, http.delete("/api/tasks/ruby-cancel-1").statusCode());
      submit("ruby-cancel-2", "ruby_cancel", new JsonObject().put("command", "echo next"), null);

      JsonObject next = events.await("ruby-cancel-2");
      assertEquals("completed", next.getString("state"), next.encode());
      assertEquals("ruby-cancel", next.getString("worker"));
      assertEquals("next\n", next.getJsonObject("result").getString("stdout"));
      assertEquals(2, w.received.size(), "the task, then the next task: " + w.received);
      assertEquals("ruby-cancel-1", w.received.get(0).getString("guid"));
      assertEquals("task", w.received.get(1).getString("type"), "no abandon was sent: " + w.received);
      assertEquals(2, w.published.get(), "the late result was published before the next task ran");
      JsonObject cancelled = http.get("/api/tasks/ruby-cancel-1").bodyAsJsonObject();
      assertEquals("cancelled", cancelled.getString("state"));
      assertEquals(null, cancelled.getValue("result"));

      // Dead letters keep their order: one for the late result would come before this one.
      broker.send(broker.prefix() + ".manager", new JsonObject().put("type", "no_such_type").put("guid", "sentinel").encode(), null, null);
      while (true) {
        JsonObject dead = AmqpBroker.json(AmqpBroker.next(deadLetters, "the sentinel's dead letter"));
        if ("sentinel".equals(dead.getString("guid"))) {
          break;
        }
        assertNotEquals("ruby-cancel-1", dead.getString("guid"), "the late result was dead-lettered: " + dead.encode());
        assertNotEquals("abandon", dead.getString("type"), "an abandon came back as a result: " + dead.encode());
      }
    }
  }

  /** A worker may announce its own interval in its worker_status: it is watched by that one. */
  @Test
  void aWorkerThatAnnouncesItsIntervalIsWatchedByIt() throws Exception {
    String queue = broker.prefix() + ".worker.announcer";
    broker.forget(queue);
    broker.forget(broker.prefix() + ".manager.ruby_announce.results");
    broker.forgetExchange(broker.prefix() + ".ruby_announce.worker_generated_messages");
    JsonObject status = new JsonObject().put("type", "worker_status").put("worker_type", "ruby_announce").put("name", "announcer")
        .put("status", "idle").put("exchange_name", queue).put("ping_interval_ms", 600);
    long sent = System.nanoTime();
    broker.send(broker.prefix() + ".manager", status.encode(), null, null);
    awaitAlive("announcer");
    assertEquals(600, record("announcer").getLong("ping_interval_ms"));
    JsonObject r = Polling.until("announcer declared offline", java.time.Duration.ofSeconds(30), () -> record("announcer"), rec -> !rec.getBoolean("alive"));
    long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
    assertTrue(silentMs < 2 * AMQP_PING_MS, "offline after 2 x 600 ms, not 2 x the AMQP default: " + silentMs + " ms");
    assertTrue(r.getJsonArray("messages").encode().contains("its interval: 600 ms"), r.encode());
  }
}
