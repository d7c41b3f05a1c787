package io.tef.node;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import io.tef.protocol.Addresses;
import io.tef.protocol.AmqpNames;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Messages TEF's original manager took, sent as its clients and workers send them: what it
 * accepted is accepted, what TEF refuses is dead-lettered with a clear reason and declares
 * nothing on the broker.
 */
class AmqpOriginalManagerTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;
  static AmqpBroker broker;
  static BlockingQueue<Delivery> deadLetters;
  static AmqpBroker.ReplyQueue replies;

  @BeforeAll
  static void start() throws Exception {
    broker = AmqpBroker.require();
    Map<String, Object> settings = new HashMap<>(broker.nodeSettings());
    settings.put("node.demo_workers", 1);
    // The original worker announces no interval: it is watched by this one (30 s by default; short here).
    settings.put("amqp.worker_ping_interval_ms", 500);
    startNode(dataDir, settings);
    AmqpBroker.awaitUp(node);
    deadLetters = broker.listen(broker.prefix() + ".dead_letter");
    replies = broker.replies();
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private static JsonObject ask(String body, String cid) throws Exception {
    OriginalTef.publish(broker.channel, broker.prefix() + ".manager", body, replies.name(), cid);
    return replies.await(cid);
  }

  /** The original removed a worker on offline whatever it knew of it; TEF answers ok and changes nothing. */
  @Test
  void offlineFromAWorkerAlreadyOfflineOrNeverKnownIsANoOp() throws Exception {
    String name = "host1.4242";
    String queue = broker.prefix() + ".worker." + name;
    broker.forget(queue);
    broker.forget(broker.prefix() + ".manager.generic.results");
    broker.forgetExchange(broker.prefix() + ".generic.worker_generated_messages");
    Promise<JsonObject> timedOut = Promise.promise();
    MessageConsumer<JsonObject> offline = node.vertx().eventBus().consumer(Addresses.EVENTS_WORKERS, m -> {
      if ("offline".equals(m.body().getString("event")) && name.equals(m.body().getString("name"))) {
        timedOut.tryComplete(m.body());
      }
    });
    await(offline.completion());
    assertEquals(true, ask(OriginalTef.workerStatus(name, "generic", queue, "idle"), "idle").getBoolean("ok"));
    // Then silent, past twice the ping interval: the collective declares it offline.
    assertTrue(await(timedOut.future()).getString("reason").startsWith("no heartbeat"));
    offline.unregister();

    // A dead-lettered status would be answered {"error": ...}.
    assertEquals(new JsonObject().put("ok", true), ask(OriginalTef.workerStatus(name, "generic", queue, "offline"), "late-offline"));
    assertEquals(new JsonObject().put("ok", true), ask(OriginalTef.workerStatus("never.seen", "generic", queue, "offline"), "unknown-offline"));
    JsonObject record = http.get("/api/workers/" + name).bodyAsJsonObject();
    assertEquals("offline", record.getString("status"), record.encode());
    assertEquals(404, http.get("/api/workers/never.seen").statusCode(), "an offline from a stranger registers nobody");
  }

  /** tef-manager's own spec status: worker_type "type 1", status "some_status". Refused, and no name is built from it. */
  @Test
  void theSpecsWorkerStatusIsRefusedAndDeclaresNothing() throws Exception {
    String queue = broker.prefix() + ".worker_foo";
    String status = OriginalTef.specWorkerStatus(queue);
    String error = ask(status, "spec-status").getString("error");
    assertTrue(error.contains("unknown status 'some_status'"), error);
    Delivery d = AmqpBroker.next(deadLetters, "the spec's status");
    assertEquals(status, new String(d.getBody(), StandardCharsets.UTF_8));
    assertTrue(d.getProperties().getHeaders().get(AmqpNames.REASON_HEADER).toString().startsWith("status: unknown status 'some_status'"));

    // A known status does not make the spaced type acceptable either.
    String idle = status.replace("some_status", "idle");
    assertTrue(ask(idle, "spec-idle").getString("error").contains("worker_type"));
    AmqpBroker.next(deadLetters, "the spec's status, idle");

    assertMissing(c -> c.queueDeclarePassive(queue), queue);
    assertMissing(c -> c.queueDeclarePassive(broker.prefix() + ".manager.type 1.results"), "the results queue");
    assertMissing(c -> c.exchangeDeclarePassive(broker.prefix() + ".type 1.worker_generated_messages"), "the results exchange");
    assertEquals(404, http.get("/api/workers/worker_foo").statusCode());
  }

  /** tef-manager's spec task carries "data", a field TEF does not read: kept under extra, shown, and sent to the worker. */
  @Test
  void theSpecsTaskWithAnExtraFieldIsTakenAndKeepsIt() throws Exception {
    JsonObject extra = new JsonObject().put("data", "manager test suite");
    broker.forget(broker.prefix() + ".manager.type_foo.results");
    broker.forgetExchange(broker.prefix() + ".type_foo.worker_generated_messages");
    try (AmqpTestWorker worker = new AmqpTestWorker(AmqpBroker.URL, broker.prefix(), "foo-1", "type_foo")) {
      JsonObject answer = ask(OriginalTef.specTask("type_foo", "task_foo"), "spec-task");
      assertEquals(true, answer.getBoolean("response"), answer.encode());
      assertEquals(extra, answer.getJsonObject("task").getJsonObject("extra"));

      JsonObject done = events.await("task_foo");
      assertEquals("completed", done.getString("state"), done.encode());
      assertEquals(extra, done.getJsonObject("extra"));
      JsonObject dispatched = worker.received.get("task_foo");
      assertEquals(extra, dispatched.getJsonObject("extra"), "the worker is given it");
      assertEquals("foo|bar|baz", dispatched.getString("resources"));
      assertEquals(5, dispatched.getInteger("priority"));
    }
    JsonObject stored = http.get("/api/tasks/task_foo").bodyAsJsonObject();
    assertEquals(extra, stored.getJsonObject("extra"), stored.encode());

    // The REST door keeps refusing fields an envelope does not have.
    var refused = http.post("/api/tasks", OriginalTef.specTask("type_foo", "task_foo_rest"));
    assertEquals(400, refused.statusCode());
    assertEquals("data", refused.bodyAsJsonObject().getString("field"));
  }

  private interface Probe {
    void run(Channel channel) throws IOException;
  }

  private static void assertMissing(Probe probe, String what) throws Exception {
    Channel channel = broker.connection.createChannel();
    IOException missing = assertThrows(IOException.class, () -> probe.run(channel), what + " was declared");
    assertTrue(String.valueOf(missing.getCause()).contains("404"), what + ": " + missing.getCause());
  }
}
