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
 * every task submitted before the restart completes exactly once (no task lost, none completed twice).
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
    settings.put("amqp.keeper_types", java.util.List.of("restart_echo"));
    startNode(dataDir, settings);
    AmqpBroker.awaitUp(node);
    TestNodes.await(node.vertx().eventBus().<JsonObject>consumer(io.tef.core.Addresses.EVENTS_TASKS,
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
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!state.equals(node.vertx().sharedData().getLocalMap(NodeInfo.MAP).get(NodeInfo.AMQP_STATE))) {
      assertTrue(System.nanoTime() < deadline, "the bridge did not become " + state + " within 30 s");
      Thread.sleep(20);
    }
  }

  static final Map<String, java.util.concurrent.atomic.AtomicInteger> ended = new java.util.concurrent.ConcurrentHashMap<>();

  @Test
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
      JsonObject done = events.await("restart-" + i);
      assertEquals("completed", done.getString("state"), done.encode());
      assertEquals(i, done.getJsonObject("result").getInteger("echo"));
    }
    // Each attempt ran once (a task the broker redelivered because its ack died with the connection is recognised by guid and attempt).
    assertEquals(worker.ran.size(), worker.runs.values().stream().mapToInt(java.util.concurrent.atomic.AtomicInteger::get).sum());
    long again = worker.runs.values().stream().filter(r -> r.get() > 1).count();
    System.out.println("Broker restart: " + n + " tasks completed; " + worker.redeliveriesSkipped.get()
        + " redeliveries recognised by the worker; " + again + " tasks dispatched again under a new attempt");
    assertEquals(n, worker.runs.size());
    // A dispatch whose confirm died with the connection is unknown to the bridge: the dispatcher
    // gives the task a new attempt, and the old one may still reach the worker (at-least-once
    // execution). Only tasks in flight at that moment can be affected; each completes once.
    assertTrue(again <= 10, again + " tasks ran under two attempts");
    ended.forEach((guid, count) -> assertEquals(1, count.get(), guid + " ended " + count.get() + " times"));
    assertEquals(n, ended.size());
    assertEquals(200, http.get("/health").statusCode());
  }
}
