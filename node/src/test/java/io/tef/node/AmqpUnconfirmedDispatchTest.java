package io.tef.node;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A dispatch to an AMQP worker whose publish the broker never confirmed, because the connection
 * broke in between (a proxy in front of the broker breaks it at that moment): the bridge counts
 * it as taken and sends it again under the same attempt once connected. A copy lost on the wire
 * is made good; a copy that did arrive is not run twice (the worker knows guid and attempt), and
 * no second attempt is ever started beside it.
 */
class AmqpUnconfirmedDispatchTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;
  static AmqpBroker broker;
  static LossyAmqpProxy proxy;
  static AmqpTestWorker worker;

  @BeforeAll
  static void start() throws Exception {
    broker = AmqpBroker.require();
    proxy = new LossyAmqpProxy();
    Map<String, Object> settings = new HashMap<>(broker.nodeSettings());
    settings.put("amqp.url", proxy.url()); // the bridge reaches the broker through the proxy; the worker directly
    settings.put("amqp.reconnect_max_ms", 1000);
    // The worker's heartbeats wait on the manager queue while the bridge reconnects: they must not
    // be late enough to declare it offline (that would start a new attempt, by design).
    settings.put("collective.ping_interval_ms", 5000);
    // A worker that does not take a task within 1 s is dropped: a confirm held back 2 s outlasts it.
    settings.put("dispatcher.dispatch_timeout_ms", 1000);
    startNode(dataDir, settings);
    AmqpBroker.awaitUp(node);
    worker = new AmqpTestWorker(AmqpBroker.URL, broker.prefix(), "unconfirmed-w", "unconfirmed_echo");
    broker.forget(broker.prefix() + ".manager.unconfirmed_echo.results");
    broker.forget(broker.prefix() + ".keeper.unconfirmed_echo");
    broker.forgetExchange(worker.resultsExchange());
    broker.awaitWorkerKnown("unconfirmed-w");
  }

  @AfterAll
  static void stop() throws Exception {
    if (worker != null) {
      worker.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aDispatchLostOnTheWireIsSentAgainAndRunsOnce() throws Exception {
    JsonObject done = submitThrough("wire-lost-1", LossyAmqpProxy.Fault.LOST_ON_THE_WIRE);
    assertEquals(1, done.getInteger("attempt"), "the same attempt, sent again: " + done.encode());
    assertEquals(1, worker.runs.get("wire-lost-1").get(), "run once");
  }

  @Test
  void aDispatchWhoseConfirmWasLostRunsOnceThoughItArrivesTwice() throws Exception {
    int resentBefore = worker.resentSeen.get();
    JsonObject done = submitThrough("confirm-lost-1", LossyAmqpProxy.Fault.CONFIRM_LOST);
    assertEquals(1, done.getInteger("attempt"), "no second attempt beside the first: " + done.encode());
    assertEquals(1, worker.runs.get("confirm-lost-1").get(), "run once");
    // The first copy was on its queue all along; the copy sent again came too and was known.
    Polling.until("the copy sent again reaches the worker", java.time.Duration.ofSeconds(15), () -> worker.resentSeen.get() != resentBefore);
    assertEquals(resentBefore + 1, worker.resentSeen.get(), "the copy sent again reached the worker");
    assertEquals(1, worker.runs.get("confirm-lost-1").get(), "and was not run again");
  }

  @Test
  void aConfirmSlowerThanTheDispatchersPatienceStartsNoSecondAttempt() throws Exception {
    // The task runs longer than the confirm is held back, so the dispatcher's patience runs out while it runs.
    JsonObject data = new JsonObject().put("sleep_ms", LossyAmqpProxy.LATE_MS + 1000);
    JsonObject done = submitThrough("confirm-late-1", LossyAmqpProxy.Fault.CONFIRM_LATE, data);
    assertEquals(1, done.getInteger("attempt"), "the dispatcher was told it was taken before it gave up: " + done.encode());
    assertEquals(1, worker.runs.get("confirm-late-1").get(), "run once");
  }

  /** Submits a task whose dispatch meets the fault, and returns it once it ended. */
  private static JsonObject submitThrough(String guid, LossyAmqpProxy.Fault fault) throws Exception {
    return submitThrough(guid, fault, guid);
  }

  private static JsonObject submitThrough(String guid, LossyAmqpProxy.Fault fault, Object data) throws Exception {
    var tripped = proxy.arm(guid, fault);
    assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "unconfirmed_echo").put("guid", guid)
        .put("task_data", data)).statusCode());
    tripped.get(15, TimeUnit.SECONDS);
    JsonObject done = events.await(guid);
    assertEquals("completed", done.getString("state"), done.encode());
    assertEquals(new JsonObject().put("echo", data).put("by", "unconfirmed-w"), done.getJsonObject("result"));
    return done;
  }
}
