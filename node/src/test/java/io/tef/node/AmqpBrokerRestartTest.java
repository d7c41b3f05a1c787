package io.tef.node;

import io.tef.core.NodeInfo;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker restarts (rabbitmqctl stop_app / start_app) while an AMQP worker runs tasks: the
 * bridge says it is down, reconnects by itself, declares its queues and consumers again, and
 * every task submitted before the restart runs and completes exactly once (none lost, none run twice).
 */
class AmqpBrokerRestartTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;
  static AmqpBroker broker;
  static AmqpTestWorker worker;

  @BeforeAll
  static void start() throws Exception {
    broker = AmqpBroker.require();
    Map<String, Object> settings = new HashMap<>(broker.nodeSettings());
    settings.put("amqp.reconnect_max_ms", 1000);
    // Heartbeats travel the manager queue behind the 1,000 submissions and cannot arrive while the
    // broker is away: the offline window (2 x ping) must outlast both, or the worker is declared
    // dead and its task rerun under a new attempt, by design.
    settings.put("collective.ping_interval_ms", 5000);
    settings.put("amqp.keeper_types", java.util.List.of("restart_echo"));
    startNode(dataDir, settings);
    AmqpBroker.awaitUp(node);
    TestNodes.await(node.vertx().eventBus().<JsonObject>consumer(io.tef.protocol.Addresses.EVENTS_TASKS,
        m -> ended.computeIfAbsent(m.body().getString("guid"), g -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet()).completion());
    worker = new AmqpTestWorker(AmqpBroker.URL, broker.prefix(), "restart-w", "restart_echo");
    broker.forget(broker.prefix() + ".manager.restart_echo.results");
    broker.forget(broker.prefix() + ".keeper.restart_echo");
    broker.forgetExchange(worker.resultsExchange());
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

  private static void rabbitmqctl(String command) throws Exception {
    Process p = new ProcessBuilder("rabbitmqctl", command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "rabbitmqctl " + command + ": " + out);
  }

  private static void awaitState(String state) throws Exception {
    Polling.until("the bridge becomes " + state, java.time.Duration.ofSeconds(30),
        () -> state.equals(node.vertx().sharedData().getLocalMap(NodeInfo.MAP).get(NodeInfo.AMQP_STATE)));
  }

  static final Map<String, java.util.concurrent.atomic.AtomicInteger> ended = new java.util.concurrent.ConcurrentHashMap<>();

  @Test
  @org.junit.jupiter.api.Timeout(180)
  void aThousandTasksSurviveABrokerRestartAndRunOnceEach() throws Exception {
    int n = 1000;
    AmqpBroker.ReplyQueue replies = broker.replies();
    for (int i = 0; i < n; i++) {
      broker.send(broker.prefix() + ".manager", new JsonObject().put("type", "task").put("task_type", "restart_echo")
          .put("guid", "restart-" + i).put("task_data", i).encode(), i == n - 1 ? replies.name() : null, "last");
    }
    // All are accepted (stored) before the broker goes away: the answer to the last one says so.
    assertEquals(true, replies.await("last").getBoolean("response"));

    rabbitmqctl("stop_app");
    try {
      awaitState("down");
      assertEquals(503, http.get("/health").statusCode());
    } finally {
      rabbitmqctl("start_app");
    }
    awaitState("up");

    for (int i = 0; i < n; i++) {
      JsonObject done;
      try {
        done = events.await("restart-" + i);
      } catch (java.util.concurrent.TimeoutException e) {
        String guid = "restart-" + i;
        throw new AssertionError(guid + " did not end: " + http.get("/api/tasks/" + guid).bodyAsString()
            + "; the worker received it: " + worker.received.containsKey(guid) + ", ran it " + worker.runs.get(guid)
            + " times; the bridge is " + node.vertx().sharedData().getLocalMap(NodeInfo.MAP).get(NodeInfo.AMQP_STATE), e);
      }
      assertEquals("completed", done.getString("state"), done.encode());
      assertEquals(i, done.getJsonObject("result").getInteger("echo"));
    }
    // Each attempt ran once (a task the broker redelivered because its ack died with the connection is recognised by guid and attempt).
    assertEquals(worker.ran.size(), worker.runs.values().stream().mapToInt(java.util.concurrent.atomic.AtomicInteger::get).sum());
    long again = worker.runs.values().stream().filter(r -> r.get() > 1).count();
    System.out.println("Broker restart: " + n + " tasks completed; " + worker.redeliveriesSkipped.get()
        + " redeliveries recognised by the worker; " + again + " tasks dispatched again under a new attempt");
    assertEquals(n, worker.runs.size());
    // A dispatch whose confirm died with the connection counts as taken and is sent again under
    // the same attempt once connected: no task is given a second attempt beside it.
    assertEquals(0, again, again + " tasks ran under two attempts");
    // This consumer may hear the last endings a moment after the one awaited above.
    Polling.until(n + " endings heard", java.time.Duration.ofSeconds(10), () -> ended.size() >= n);
    assertEquals(n, ended.size());
    ended.forEach((guid, count) -> assertEquals(1, count.get(), guid + " ended " + count.get() + " times"));
    assertEquals(200, http.get("/health").statusCode());
  }
}
