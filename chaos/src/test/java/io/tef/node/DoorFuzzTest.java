package io.tef.node;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.opentest4j.TestAbortedException;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Malformed input at every door of one node in its own JVM: generated (jqwik) and the fixed
 * regressions, judged by {@link Judge}. Each test fails with the list of failing inputs of its
 * door; all are also in the figures printed at the end.
 */
@org.junit.jupiter.api.Tag("chaos")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DoorFuzzTest {

  static AmqpBroker broker;
  static FuzzNode node;
  static AmqpDoor amqp;

  @BeforeAll
  static void start() throws Exception {
    try {
      broker = AmqpBroker.require();
    } catch (TestAbortedException e) {
      broker = null; // no broker here (outside CI): the AMQP door is skipped
      Figures.note("AMQP door skipped: " + e.getMessage());
    }
    node = FuzzNode.start(broker);
    if (broker != null) {
      amqp = new AmqpDoor(node); // one consumer of the dead letters: two would share them out
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.close();
    }
    if (broker != null) {
      broker.close();
      deleteLeftoverQueues(broker.prefix() + ".");
    }
  }

  @Test
  @Order(1)
  void restFixedRegressions() throws Exception {
    Gen.seed(Chaos.SEED);
    Judge judge = new Judge(node, "REST fixed");
    RestDoor rest = new RestDoor(node);
    RawHttpDoor raw = new RawHttpDoor(node);
    for (FixedCases.EnvelopeCase c : FixedCases.envelopes()) {
      judge.beginBatch();
      rest.submit(judge, "POST /api/tasks " + c.name(), c.envelope(), "application/json", c.expect());
      judge.endBatch();
    }
    judge.beginBatch();
    for (FixedCases.RestCase c : FixedCases.rest()) {
      FuzzNode.Reply r = node.request(HttpMethod.valueOf(c.method()), c.uri(),
          MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json"), c.body() == null ? null : Buffer.buffer(c.body()));
      judge.judge(c.method() + " " + c.name(), c.method() + " " + c.uri() + (c.body() == null ? "" : " " + c.body()),
          RestDoor.outcome(r, false, false, false), null, null, c.expect());
    }
    for (FixedCases.RawCase c : FixedCases.raw()) {
      judge.judge("raw HTTP " + c.name(), Printable.of(c.request(), 200),
          RestDoor.outcome(raw.send(c.request().getBytes(StandardCharsets.ISO_8859_1)), false, false, false), null, null, Judge.Expect.SAFE);
    }
    judge.endBatch();
    judge.finish();
    assertNull(Figures.failureReport("REST fixed"));
  }

  @Test
  @Order(2)
  void restTaskSubmissions() throws Exception {
    Gen.seed(Chaos.SEED + 1);
    Judge judge = new Judge(node, "REST POST /api/tasks");
    new RestDoor(node).envelopes(judge, Chaos.inputs(400));
    judge.finish();
    assertNull(Figures.failureReport("REST POST /api/tasks"));
  }

  @Test
  @Order(3)
  void restRoutes() throws Exception {
    Gen.seed(Chaos.SEED + 2);
    Judge judge = new Judge(node, "REST routes");
    new RestDoor(node).routes(judge, Chaos.inputs(300));
    judge.finish();
    assertNull(Figures.failureReport("REST routes"));
  }

  @Test
  @Order(4)
  void rawHttp() throws Exception {
    Gen.seed(Chaos.SEED + 3);
    Judge judge = new Judge(node, "REST raw HTTP");
    new RawHttpDoor(node).fuzz(judge, Chaos.inputs(150));
    judge.finish();
    assertNull(Figures.failureReport("REST raw HTTP"));
  }

  @Test
  @Order(5)
  void amqpFixedRegressions() throws Exception {
    Assumptions.assumeTrue(broker != null, "no broker");
    Gen.seed(Chaos.SEED + 4);
    Judge judge = new Judge(node, "AMQP fixed");
    String manager = broker.prefix() + ".manager";
    for (FixedCases.EnvelopeCase c : FixedCases.envelopes().stream().filter(FixedCases.EnvelopeCase::anyDoor).toList()) {
      judge.beginBatch();
      Gen.Envelope e = AmqpDoor.withTypeFirst(c.envelope());
      amqp.send(judge, new AmqpDoor.Message(manager, e.text().getBytes(StandardCharsets.UTF_8), c.name() + ": " + e.text(), e.taskData(), e.guid(),
          "application/json", false), c.expect());
      judge.endBatch();
    }
    judge.beginBatch();
    String big = FixedCases.twoMebibyteTask();
    amqp.send(judge, new AmqpDoor.Message(manager, big.getBytes(StandardCharsets.UTF_8), "a 2 MiB task message: " + Printable.of(big, 120),
        null, null, "application/json", false), Judge.Expect.REFUSED);
    judge.endBatch();
    amqp.assertDrained(judge);
    judge.finish();
    assertNull(Figures.failureReport("AMQP fixed"));
  }

  @Test
  @Order(6)
  void amqpMessages() throws Exception {
    Assumptions.assumeTrue(broker != null, "no broker");
    Gen.seed(Chaos.SEED + 5);
    Judge judge = new Judge(node, "AMQP manager");
    amqp.fuzz(judge, Chaos.inputs(300));
    judge.finish();
    assertNull(Figures.failureReport("AMQP manager"));
  }

  @Test
  @Order(7)
  void eventBusFixedRegressions() throws Exception {
    Gen.seed(Chaos.SEED + 6);
    Judge judge = new Judge(node, "Event bus fixed");
    EventBusDoor bus = new EventBusDoor(node);
    for (FixedCases.EnvelopeCase c : FixedCases.envelopes().stream().filter(FixedCases.EnvelopeCase::anyDoor).toList()) {
      judge.beginBatch();
      Object body = EventBusDoor.asBusValue(c.envelope().text());
      String data = body instanceof io.vertx.core.json.JsonObject o && o.containsKey("task_data") ? io.vertx.core.json.Json.encode(o.getValue("task_data")) : null;
      bus.send(judge, new EventBusDoor.Request(io.tef.protocol.Addresses.TASKS_SUBMIT, body, c.name() + ": " + c.envelope().text(), data,
          c.envelope().guid(), false), c.expect());
      judge.endBatch();
    }
    judge.finish();
    assertNull(Figures.failureReport("Event bus fixed"));
  }

  @Test
  @Order(8)
  void eventBusRequests() throws Exception {
    Gen.seed(Chaos.SEED + 7);
    Judge judge = new Judge(node, "Event bus");
    new EventBusDoor(node).fuzz(judge, Chaos.inputs(400));
    judge.finish();
    assertNull(Figures.failureReport("Event bus"));
  }

  @Test
  @Order(9)
  void zeroMqRequests() throws Exception {
    Gen.seed(Chaos.SEED + 8);
    java.util.List<String> failures = new ZmqDoor(node).fuzz(Chaos.inputs(300));
    Figures.note("ZeroMQ door: " + failures.size() + " failing of " + Chaos.inputs(300) + " requests");
    org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), failures.subList(0, Math.min(10, failures.size())),
        failures.size() + " malformed ZeroMQ requests were not answered as they should be");
    assertNull(node.healthy(), "the node is healthy after the ZeroMQ fuzzing");
  }

  /** Queues of this test's AMQP env that the node declared for fuzzed names (keepers of odd types, odd worker queues). */
  static void deleteLeftoverQueues(String prefix) {
    try {
      Process p = new ProcessBuilder("rabbitmqctl", "list_queues", "-q", "--no-table-headers", "name").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return;
      }
      Process x = new ProcessBuilder("rabbitmqctl", "list_exchanges", "-q", "--no-table-headers", "name").redirectErrorStream(true).start();
      String exchanges = new String(x.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      x.waitFor(30, TimeUnit.SECONDS);
      try (AmqpBroker cleaner = AmqpBroker.require()) {
        for (String q : out.split("\n")) {
          if (q.trim().startsWith(prefix)) {
            cleaner.forget(q.trim());
          }
        }
        for (String e : exchanges.split("\n")) {
          if (e.trim().startsWith(prefix)) {
            cleaner.forgetExchange(e.trim());
          }
        }
      }
    } catch (Exception ignored) {
      // best effort
    }
  }
}
